/*
 * test_proto_wire.c — the scheduler calls we send, checked byte for byte.
 *
 * Each Call (and a TaskStatus and a ports Resource) is packed by
 * protobuf-c from our proto/mesos/v1 files and compared with bytes
 * written by hand (t/pb_wire.h) from upstream Mesos field numbers and
 * wire types (PROTOCOLS.md A.8, B). A wrong field number, wire type or
 * nesting in our .proto files makes a check fail. Executor calls and all
 * events are in test_proto_events.c; the protobuf-c traps of section J
 * and the descriptor tables in test_proto_schema.c.
 */
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/mesos.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"
#include "pb_wire.h"

/* The tests read and write the deprecated Resource.role and
 * FrameworkInfo.role on purpose. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* ---- scheduler calls ----------------------------------------------------- */

static void test_sched_subscribe(void)
{
	Mesos__V1__FrameworkInfo__Capability mr = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	Mesos__V1__FrameworkInfo__Capability pa = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	mr.has_type = 1;
	mr.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	pa.has_type = 1;
	pa.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE;
	Mesos__V1__FrameworkInfo__Capability *caps[] = {&mr, &pa};
	char *roles[] = {"etcd"};
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	fi.user = "root";
	fi.name = "etcd";
	fi.has_failover_timeout = 1;
	fi.failover_timeout = 604800.0;
	fi.has_checkpoint = 1;
	fi.checkpoint = 1;
	fi.n_roles = 1;
	fi.roles = roles;
	fi.principal = "etcd-p";
	fi.n_capabilities = 2;
	fi.capabilities = caps;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	sub.framework_info = &fi;
	Mesos__V1__Scheduler__Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = 1;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE;
	call.subscribe = &sub;

	struct pb c1 = {0}, c2 = {0}, w_fi = {0}, w_sub = {0}, want = {0};
	pb_str(&w_fi, 1, "root");          /* user */
	pb_str(&w_fi, 2, "etcd");          /* name */
	pb_double(&w_fi, 4, 604800.0);     /* failover_timeout */
	pb_uint(&w_fi, 5, 1);              /* checkpoint */
	pb_str(&w_fi, 8, "etcd-p");        /* principal */
	pb_uint(&c1, 1, 6);                /* Capability.type MULTI_ROLE */
	pb_msg(&w_fi, 10, &c1);
	pb_uint(&c2, 1, 5);                /* PARTITION_AWARE */
	pb_msg(&w_fi, 10, &c2);
	pb_str(&w_fi, 12, "etcd");         /* roles */
	pb_msg(&w_sub, 1, &w_fi);          /* Subscribe.framework_info */
	pb_uint(&want, 2, 1);              /* Call.type SUBSCRIBE */
	pb_msg(&want, 3, &w_sub);          /* Call.subscribe */
	pack_is(&call.base, &want, "scheduler SUBSCRIBE");

	/* Failover: framework_id in the call and in framework_info.id, plus
	 * a suppressed role, hostname and webui_url. */
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = "fw-1";
	fi.id = &fid;
	fi.hostname = "sched1";
	fi.webui_url = "http://sched1:23400/";
	sub.n_suppressed_roles = 1;
	sub.suppressed_roles = roles;
	call.framework_id = &fid;
	struct pb w_fi2 = {0}, w_sub2 = {0}, want2 = {0};
	pb_str(&w_fi2, 1, "root");
	pb_str(&w_fi2, 2, "etcd");
	pb_id(&w_fi2, 3, "fw-1");          /* id */
	pb_double(&w_fi2, 4, 604800.0);
	pb_uint(&w_fi2, 5, 1);
	pb_str(&w_fi2, 7, "sched1");       /* hostname */
	pb_str(&w_fi2, 8, "etcd-p");
	pb_str(&w_fi2, 9, "http://sched1:23400/"); /* webui_url */
	pb_msg(&w_fi2, 10, &c1);
	pb_msg(&w_fi2, 10, &c2);
	pb_str(&w_fi2, 12, "etcd");
	pb_msg(&w_sub2, 1, &w_fi2);
	pb_str(&w_sub2, 2, "etcd");        /* suppressed_roles */
	pb_id(&want2, 1, "fw-1");          /* Call.framework_id */
	pb_uint(&want2, 2, 1);
	pb_msg(&want2, 3, &w_sub2);
	pack_is(&call.base, &want2, "scheduler re-SUBSCRIBE with framework id");

	/* UPDATE_FRAMEWORK = 17, field 19. */
	Mesos__V1__Scheduler__Call__UpdateFramework uf = MESOS__V1__SCHEDULER__CALL__UPDATE_FRAMEWORK__INIT;
	uf.framework_info = &fi;
	Mesos__V1__Scheduler__Call call2 = MESOS__V1__SCHEDULER__CALL__INIT;
	call2.framework_id = &fid;
	call2.has_type = 1;
	call2.type = MESOS__V1__SCHEDULER__CALL__TYPE__UPDATE_FRAMEWORK;
	call2.update_framework = &uf;
	struct pb w_uf = {0}, want3 = {0};
	pb_msg(&w_uf, 1, &w_fi2);
	pb_id(&want3, 1, "fw-1");
	pb_uint(&want3, 2, 17);
	pb_msg(&want3, 19, &w_uf);
	pack_is(&call2.base, &want3, "scheduler UPDATE_FRAMEWORK");
}

static void test_sched_accept_launch(void)
{
	Mesos__V1__Resource__AllocationInfo alloc = MESOS__V1__RESOURCE__ALLOCATION_INFO__INIT;
	alloc.role = "etcd";
	Mesos__V1__Value__Scalar s_cpu = MESOS__V1__VALUE__SCALAR__INIT, s_ecpu = MESOS__V1__VALUE__SCALAR__INIT;
	s_cpu.value = 1.5;
	s_ecpu.value = 0.1;
	Mesos__V1__Resource cpus = MESOS__V1__RESOURCE__INIT, ecpus = MESOS__V1__RESOURCE__INIT;
	cpus.name = "cpus";
	cpus.type = MESOS__V1__VALUE__TYPE__SCALAR;
	cpus.scalar = &s_cpu;
	cpus.allocation_info = &alloc;
	ecpus.name = "cpus";
	ecpus.type = MESOS__V1__VALUE__TYPE__SCALAR;
	ecpus.scalar = &s_ecpu;
	ecpus.allocation_info = &alloc;
	Mesos__V1__Value__Range r1 = MESOS__V1__VALUE__RANGE__INIT, r2 = MESOS__V1__VALUE__RANGE__INIT;
	r1.begin = 31000;
	r1.end = 31000;
	r2.begin = 31005;
	r2.end = 31005;
	Mesos__V1__Value__Range *rv[] = {&r1, &r2};
	Mesos__V1__Value__Ranges ranges = MESOS__V1__VALUE__RANGES__INIT;
	ranges.n_range = 2;
	ranges.range = rv;
	Mesos__V1__Resource ports = MESOS__V1__RESOURCE__INIT;
	ports.name = "ports";
	ports.type = MESOS__V1__VALUE__TYPE__RANGES;
	ports.ranges = &ranges;
	ports.allocation_info = &alloc;
	Mesos__V1__Resource *task_res[] = {&cpus, &ports};
	Mesos__V1__Resource *exec_res[] = {&ecpus};

	Mesos__V1__CommandInfo__URI uri = MESOS__V1__COMMAND_INFO__URI__INIT;
	uri.value = "http://127.0.0.1:12300/etcd-mesos";
	uri.has_executable = 1;
	uri.executable = 1;
	uri.has_extract = 1;
	uri.extract = 0;
	Mesos__V1__CommandInfo__URI *uris[] = {&uri};
	Mesos__V1__Environment__Variable var = MESOS__V1__ENVIRONMENT__VARIABLE__INIT;
	var.name = "EM_LOG";
	var.value = "1";
	Mesos__V1__Environment__Variable *vars[] = {&var};
	Mesos__V1__Environment env = MESOS__V1__ENVIRONMENT__INIT;
	env.n_variables = 1;
	env.variables = vars;
	char *argv[] = {"etcd-mesos", "executor"};
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	cmd.n_uris = 1;
	cmd.uris = uris;
	cmd.environment = &env;
	cmd.has_shell = 1;
	cmd.shell = 0;
	cmd.value = "./etcd-mesos";
	cmd.n_arguments = 2;
	cmd.arguments = argv;

	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = "fw-1";
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	eid.value = "e-1";
	Mesos__V1__DurationInfo grace = MESOS__V1__DURATION_INFO__INIT;
	grace.nanoseconds = 10000000000LL;
	Mesos__V1__ExecutorInfo ei = MESOS__V1__EXECUTOR_INFO__INIT;
	ei.has_type = 1;
	ei.type = MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM;
	ei.executor_id = &eid;
	ei.framework_id = &fid;
	ei.command = &cmd;
	ei.n_resources = 1;
	ei.resources = exec_res;
	ei.name = "etcd-mesos executor";
	ei.shutdown_grace_period = &grace;

	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = "t-1";
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	aid.value = "a-1";
	Mesos__V1__KillPolicy kp = MESOS__V1__KILL_POLICY__INIT;
	kp.grace_period = &grace;
	Mesos__V1__Label lab = MESOS__V1__LABEL__INIT;
	lab.key = "cluster";
	lab.value = "c1";
	Mesos__V1__Label *labv[] = {&lab};
	Mesos__V1__Labels labels = MESOS__V1__LABELS__INIT;
	labels.n_labels = 1;
	labels.labels = labv;
	Mesos__V1__Port port = MESOS__V1__PORT__INIT;
	port.number = 31000;
	port.name = "client";
	port.protocol = "tcp";
	Mesos__V1__Port *portv[] = {&port};
	Mesos__V1__Ports dports = MESOS__V1__PORTS__INIT;
	dports.n_ports = 1;
	dports.ports = portv;
	Mesos__V1__DiscoveryInfo disc = MESOS__V1__DISCOVERY_INFO__INIT;
	disc.visibility = MESOS__V1__DISCOVERY_INFO__VISIBILITY__FRAMEWORK;
	disc.name = "etcd-1";
	disc.ports = &dports;
	Mesos__V1__TaskInfo task = MESOS__V1__TASK_INFO__INIT;
	task.name = "etcd-1";
	task.task_id = &tid;
	task.agent_id = &aid;
	task.n_resources = 2;
	task.resources = task_res;
	task.executor = &ei;
	task.has_data = 1;
	task.data.data = (uint8_t *)"cfg";
	task.data.len = 3;
	task.labels = &labels;
	task.discovery = &disc;
	task.kill_policy = &kp;
	Mesos__V1__TaskInfo *tasks[] = {&task};
	Mesos__V1__Offer__Operation__Launch launch = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	launch.n_task_infos = 1;
	launch.task_infos = tasks;
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &launch;
	Mesos__V1__Offer__Operation *ops[] = {&op};
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT;
	oid.value = "o-1";
	Mesos__V1__OfferID *oids[] = {&oid};
	Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
	filters.has_refuse_seconds = 1;
	filters.refuse_seconds = 1.0;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	acc.n_operations = 1;
	acc.operations = ops;
	acc.filters = &filters;
	Mesos__V1__Scheduler__Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.framework_id = &fid;
	call.has_type = 1;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT;
	call.accept = &acc;

	/* By hand, fields in ascending number order. */
	struct pb w_ports = {0}, w_rs = {0}, w_r1 = {0}, w_r2 = {0}, w_a = {0};
	pb_str(&w_ports, 1, "ports");
	pb_uint(&w_ports, 2, 1);           /* RANGES */
	pb_uint(&w_r1, 1, 31000);
	pb_uint(&w_r1, 2, 31000);
	pb_uint(&w_r2, 1, 31005);
	pb_uint(&w_r2, 2, 31005);
	pb_msg(&w_rs, 1, &w_r1);           /* Ranges.range */
	pb_msg(&w_rs, 1, &w_r2);
	pb_msg(&w_ports, 4, &w_rs);        /* Resource.ranges */
	pb_str(&w_a, 1, "etcd");
	pb_msg(&w_ports, 11, &w_a);

	struct pb w_uri = {0}, w_var = {0}, w_env = {0}, w_cmd = {0}, w_grace = {0};
	pb_str(&w_uri, 1, "http://127.0.0.1:12300/etcd-mesos");
	pb_uint(&w_uri, 2, 1);             /* executable */
	pb_uint(&w_uri, 3, 0);             /* extract=false, sent */
	pb_str(&w_var, 1, "EM_LOG");
	pb_str(&w_var, 2, "1");
	pb_msg(&w_env, 1, &w_var);
	pb_msg(&w_cmd, 1, &w_uri);         /* uris */
	pb_msg(&w_cmd, 2, &w_env);         /* environment */
	pb_str(&w_cmd, 3, "./etcd-mesos"); /* value */
	pb_uint(&w_cmd, 6, 0);             /* shell=false, sent */
	pb_str(&w_cmd, 7, "etcd-mesos");   /* arguments */
	pb_str(&w_cmd, 7, "executor");
	pb_uint(&w_grace, 1, 10000000000ULL);

	struct pb w_ei = {0};
	pb_id(&w_ei, 1, "e-1");            /* executor_id */
	w_scalar(&w_ei, 5, "cpus", 0.1, "etcd"); /* resources */
	pb_msg(&w_ei, 7, &w_cmd);          /* command */
	pb_id(&w_ei, 8, "fw-1");           /* framework_id */
	pb_str(&w_ei, 9, "etcd-mesos executor");
	pb_msg(&w_ei, 13, &w_grace);       /* shutdown_grace_period */
	pb_uint(&w_ei, 15, 2);             /* type CUSTOM */

	struct pb w_lab = {0}, w_labs = {0}, w_port = {0}, w_dports = {0}, w_disc = {0}, w_kp = {0};
	pb_str(&w_lab, 1, "cluster");
	pb_str(&w_lab, 2, "c1");
	pb_msg(&w_labs, 1, &w_lab);
	pb_uint(&w_port, 1, 31000);
	pb_str(&w_port, 2, "client");
	pb_str(&w_port, 3, "tcp");
	pb_msg(&w_dports, 1, &w_port);
	pb_uint(&w_disc, 1, 0);            /* visibility FRAMEWORK: required */
	pb_str(&w_disc, 2, "etcd-1");
	pb_msg(&w_disc, 6, &w_dports);
	pb_msg(&w_kp, 1, &w_grace);

	struct pb w_task = {0}, w_launch = {0}, w_op = {0}, w_f = {0}, w_acc = {0}, want = {0};
	pb_str(&w_task, 1, "etcd-1");
	pb_id(&w_task, 2, "t-1");
	pb_id(&w_task, 3, "a-1");
	w_scalar(&w_task, 4, "cpus", 1.5, "etcd");
	pb_msg(&w_task, 4, &w_ports);
	pb_msg(&w_task, 5, &w_ei);         /* executor */
	pb_str(&w_task, 6, "cfg");         /* data */
	pb_msg(&w_task, 10, &w_labs);      /* labels */
	pb_msg(&w_task, 11, &w_disc);      /* discovery */
	pb_msg(&w_task, 12, &w_kp);        /* kill_policy */
	pb_msg(&w_launch, 1, &w_task);     /* Launch.task_infos */
	pb_uint(&w_op, 1, 1);              /* Operation.type LAUNCH */
	pb_msg(&w_op, 2, &w_launch);       /* Operation.launch */
	pb_double(&w_f, 1, 1.0);           /* refuse_seconds */
	pb_id(&w_acc, 1, "o-1");           /* offer_ids */
	pb_msg(&w_acc, 2, &w_op);          /* operations */
	pb_msg(&w_acc, 3, &w_f);           /* filters */
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 3);              /* ACCEPT */
	pb_msg(&want, 4, &w_acc);          /* Call.accept */
	pack_is(&call.base, &want, "scheduler ACCEPT with LAUNCH (TaskInfo+ExecutorInfo+CommandInfo+URI)");
	ok(protobuf_c_message_check(&call.base), "ACCEPT passes protobuf_c_message_check");
}

static void test_sched_accept_volume_ops(void)
{
	/* RESERVE (pre-refinement: role + reservation{principal}), CREATE
	 * (a persistent volume), then UNRESERVE and DESTROY, plus a
	 * post-refinement reservations[] entry. */
	Mesos__V1__Resource__AllocationInfo alloc = MESOS__V1__RESOURCE__ALLOCATION_INFO__INIT;
	alloc.role = "etcd";
	Mesos__V1__Resource__ReservationInfo resv = MESOS__V1__RESOURCE__RESERVATION_INFO__INIT;
	resv.principal = "etcd-p";
	Mesos__V1__Value__Scalar sz = MESOS__V1__VALUE__SCALAR__INIT;
	sz.value = 1024;
	Mesos__V1__Resource disk = MESOS__V1__RESOURCE__INIT;
	disk.name = "disk";
	disk.scalar = &sz;
	disk.role = "etcd";
	disk.reservation = &resv;
	disk.allocation_info = &alloc;
	Mesos__V1__Resource__DiskInfo__Persistence pers = MESOS__V1__RESOURCE__DISK_INFO__PERSISTENCE__INIT;
	pers.id = "vol-1";
	pers.principal = "etcd-p";
	Mesos__V1__Volume vol = MESOS__V1__VOLUME__INIT;
	vol.mode = MESOS__V1__VOLUME__MODE__RW;
	vol.container_path = "data";
	Mesos__V1__Resource__DiskInfo di = MESOS__V1__RESOURCE__DISK_INFO__INIT;
	di.persistence = &pers;
	di.volume = &vol;
	Mesos__V1__Resource volume = disk;
	volume.disk = &di;
	Mesos__V1__Resource__ReservationInfo dyn = MESOS__V1__RESOURCE__RESERVATION_INFO__INIT;
	dyn.has_type = 1;
	dyn.type = MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC;
	dyn.role = "etcd";
	dyn.principal = "etcd-p";
	Mesos__V1__Resource__ReservationInfo *dynv[] = {&dyn};
	Mesos__V1__Resource refined = MESOS__V1__RESOURCE__INIT;
	refined.name = "disk";
	refined.scalar = &sz;
	refined.n_reservations = 1;
	refined.reservations = dynv;

	Mesos__V1__Resource *rv[] = {&disk}, *vv[] = {&volume}, *fv[] = {&refined};
	Mesos__V1__Offer__Operation__Reserve reserve = MESOS__V1__OFFER__OPERATION__RESERVE__INIT;
	reserve.n_resources = 1;
	reserve.resources = rv;
	Mesos__V1__Offer__Operation__Create create = MESOS__V1__OFFER__OPERATION__CREATE__INIT;
	create.n_volumes = 1;
	create.volumes = vv;
	Mesos__V1__Offer__Operation__Destroy destroy = MESOS__V1__OFFER__OPERATION__DESTROY__INIT;
	destroy.n_volumes = 1;
	destroy.volumes = vv;
	Mesos__V1__Offer__Operation__Unreserve unreserve = MESOS__V1__OFFER__OPERATION__UNRESERVE__INIT;
	unreserve.n_resources = 1;
	unreserve.resources = fv;
	Mesos__V1__OperationID opid = MESOS__V1__OPERATION_ID__INIT;
	opid.value = "op-1";
	Mesos__V1__Offer__Operation o1 = MESOS__V1__OFFER__OPERATION__INIT, o2 = o1, o3 = o1, o4 = o1;
	o1.has_type = 1;
	o1.type = MESOS__V1__OFFER__OPERATION__TYPE__RESERVE;
	o1.id = &opid;
	o1.reserve = &reserve;
	o2.has_type = 1;
	o2.type = MESOS__V1__OFFER__OPERATION__TYPE__CREATE;
	o2.create = &create;
	o3.has_type = 1;
	o3.type = MESOS__V1__OFFER__OPERATION__TYPE__DESTROY;
	o3.destroy = &destroy;
	o4.has_type = 1;
	o4.type = MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE;
	o4.unreserve = &unreserve;
	Mesos__V1__Offer__Operation *ops[] = {&o1, &o2, &o3, &o4};
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT;
	oid.value = "o-9";
	Mesos__V1__OfferID *oids[] = {&oid};
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	acc.n_operations = 4;
	acc.operations = ops;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = "fw-1";
	Mesos__V1__Scheduler__Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.framework_id = &fid;
	call.has_type = 1;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT;
	call.accept = &acc;

	struct pb s = {0}, a = {0}, rsv = {0}, w_disk = {0};
	pb_double(&s, 1, 1024);
	pb_str(&a, 1, "etcd");
	pb_str(&rsv, 1, "etcd-p");         /* ReservationInfo.principal */
	pb_str(&w_disk, 1, "disk");
	pb_uint(&w_disk, 2, 0);
	pb_msg(&w_disk, 3, &s);
	pb_str(&w_disk, 6, "etcd");        /* role */
	pb_msg(&w_disk, 8, &rsv);          /* reservation */
	pb_msg(&w_disk, 11, &a);
	struct pb w_pers = {0}, w_vol = {0}, w_di = {0}, w_volume = {0};
	pb_str(&w_pers, 1, "vol-1");
	pb_str(&w_pers, 2, "etcd-p");
	pb_str(&w_vol, 1, "data");         /* container_path */
	pb_uint(&w_vol, 3, 1);             /* mode RW */
	pb_msg(&w_di, 1, &w_pers);
	pb_msg(&w_di, 2, &w_vol);
	pb_str(&w_volume, 1, "disk");
	pb_uint(&w_volume, 2, 0);
	pb_msg(&w_volume, 3, &s);
	pb_str(&w_volume, 6, "etcd");
	pb_msg(&w_volume, 7, &w_di);       /* disk */
	pb_msg(&w_volume, 8, &rsv);
	pb_msg(&w_volume, 11, &a);
	struct pb w_dyn = {0}, w_ref = {0};
	pb_str(&w_dyn, 1, "etcd-p");
	pb_str(&w_dyn, 3, "etcd");         /* role */
	pb_uint(&w_dyn, 4, 2);             /* type DYNAMIC */
	pb_str(&w_ref, 1, "disk");
	pb_uint(&w_ref, 2, 0);
	pb_msg(&w_ref, 3, &s);
	pb_msg(&w_ref, 13, &w_dyn);        /* reservations */

	struct pb w_o1 = {0}, w_o2 = {0}, w_o3 = {0}, w_o4 = {0}, sub = {0};
	pb_uint(&w_o1, 1, 2);              /* RESERVE */
	memset(&sub, 0, sizeof sub);
	pb_msg(&sub, 1, &w_disk);          /* Reserve.resources */
	pb_msg(&w_o1, 3, &sub);            /* Operation.reserve */
	pb_id(&w_o1, 12, "op-1");          /* Operation.id */
	pb_uint(&w_o2, 1, 4);              /* CREATE */
	memset(&sub, 0, sizeof sub);
	pb_msg(&sub, 1, &w_volume);        /* Create.volumes */
	pb_msg(&w_o2, 5, &sub);
	pb_uint(&w_o3, 1, 5);              /* DESTROY */
	pb_msg(&w_o3, 6, &sub);            /* Destroy.volumes (same shape) */
	pb_uint(&w_o4, 1, 3);              /* UNRESERVE */
	memset(&sub, 0, sizeof sub);
	pb_msg(&sub, 1, &w_ref);           /* Unreserve.resources */
	pb_msg(&w_o4, 4, &sub);
	struct pb w_acc = {0}, want = {0};
	pb_id(&w_acc, 1, "o-9");
	pb_msg(&w_acc, 2, &w_o1);
	pb_msg(&w_acc, 2, &w_o2);
	pb_msg(&w_acc, 2, &w_o3);
	pb_msg(&w_acc, 2, &w_o4);
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 3);
	pb_msg(&want, 4, &w_acc);
	pack_is(&call.base, &want, "scheduler ACCEPT with RESERVE, CREATE, DESTROY, UNRESERVE");
}

static void test_sched_small_calls(void)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = "fw-1";
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	aid.value = "a-1";
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = "t-1";
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	eid.value = "e-1";
	struct pb want;

	/* DECLINE with Filters. */
	Mesos__V1__OfferID o2 = MESOS__V1__OFFER_ID__INIT, o3 = MESOS__V1__OFFER_ID__INIT;
	o2.value = "o-2";
	o3.value = "o-3";
	Mesos__V1__OfferID *oids[] = {&o2, &o3};
	Mesos__V1__Filters f = MESOS__V1__FILTERS__INIT;
	f.has_refuse_seconds = 1;
	f.refuse_seconds = 3600.0;
	Mesos__V1__Scheduler__Call__Decline dec = MESOS__V1__SCHEDULER__CALL__DECLINE__INIT;
	dec.n_offer_ids = 2;
	dec.offer_ids = oids;
	dec.filters = &f;
	Mesos__V1__Scheduler__Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE;
	c.decline = &dec;
	struct pb w_f = {0}, w_dec = {0};
	pb_double(&w_f, 1, 3600.0);
	pb_id(&w_dec, 1, "o-2");
	pb_id(&w_dec, 1, "o-3");
	pb_msg(&w_dec, 2, &w_f);
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 4);
	pb_msg(&want, 5, &w_dec);
	pack_is(&c.base, &want, "scheduler DECLINE with Filters");

	/* ACKNOWLEDGE. */
	Mesos__V1__Scheduler__Call__Acknowledge ack = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;
	ack.agent_id = &aid;
	ack.task_id = &tid;
	ack.uuid.data = (uint8_t *)UUID1;
	ack.uuid.len = sizeof UUID1;
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE;
	c.acknowledge = &ack;
	struct pb w_ack = {0};
	pb_id(&w_ack, 1, "a-1");
	pb_id(&w_ack, 2, "t-1");
	pb_bytes(&w_ack, 3, UUID1, sizeof UUID1);
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 8);
	pb_msg(&want, 8, &w_ack);
	pack_is(&c.base, &want, "scheduler ACKNOWLEDGE");

	/* RECONCILE, implicit: the empty sub-message must be on the wire. */
	Mesos__V1__Scheduler__Call__Reconcile rec = MESOS__V1__SCHEDULER__CALL__RECONCILE__INIT;
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE;
	c.reconcile = &rec;
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 9);
	pb_bytes(&want, 9, "", 0);         /* reconcile {} : tag 0x4a, length 0 */
	pack_is(&c.base, &want, "scheduler RECONCILE (implicit, empty sub-message)");
	ok(want.d[want.n - 2] == 0x4a && want.d[want.n - 1] == 0x00,
	   "empty reconcile is the two bytes 4a 00");

	/* RECONCILE, explicit. */
	Mesos__V1__Scheduler__Call__Reconcile__Task rt = MESOS__V1__SCHEDULER__CALL__RECONCILE__TASK__INIT;
	rt.task_id = &tid;
	rt.agent_id = &aid;
	Mesos__V1__Scheduler__Call__Reconcile__Task *rtv[] = {&rt};
	rec.n_tasks = 1;
	rec.tasks = rtv;
	struct pb w_rt = {0}, w_rec = {0};
	pb_id(&w_rt, 1, "t-1");
	pb_id(&w_rt, 2, "a-1");
	pb_msg(&w_rec, 1, &w_rt);
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 9);
	pb_msg(&want, 9, &w_rec);
	pack_is(&c.base, &want, "scheduler RECONCILE (explicit)");

	/* KILL with a kill policy. */
	Mesos__V1__DurationInfo g = MESOS__V1__DURATION_INFO__INIT;
	g.nanoseconds = 5000000000LL;
	Mesos__V1__KillPolicy kp = MESOS__V1__KILL_POLICY__INIT;
	kp.grace_period = &g;
	Mesos__V1__Scheduler__Call__Kill kill = MESOS__V1__SCHEDULER__CALL__KILL__INIT;
	kill.task_id = &tid;
	kill.agent_id = &aid;
	kill.kill_policy = &kp;
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__KILL;
	c.kill = &kill;
	struct pb w_g = {0}, w_kp = {0}, w_kill = {0};
	pb_uint(&w_g, 1, 5000000000ULL);
	pb_msg(&w_kp, 1, &w_g);
	pb_id(&w_kill, 1, "t-1");
	pb_id(&w_kill, 2, "a-1");
	pb_msg(&w_kill, 3, &w_kp);
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 6);
	pb_msg(&want, 6, &w_kill);
	pack_is(&c.base, &want, "scheduler KILL");

	/* MESSAGE. */
	Mesos__V1__Scheduler__Call__Message msg = MESOS__V1__SCHEDULER__CALL__MESSAGE__INIT;
	msg.agent_id = &aid;
	msg.executor_id = &eid;
	msg.data.data = (uint8_t *)"reseed";
	msg.data.len = 6;
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE;
	c.message = &msg;
	struct pb w_msg = {0};
	pb_id(&w_msg, 1, "a-1");
	pb_id(&w_msg, 2, "e-1");
	pb_str(&w_msg, 3, "reseed");
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 10);
	pb_msg(&want, 10, &w_msg);
	pack_is(&c.base, &want, "scheduler MESSAGE");

	/* SHUTDOWN. */
	Mesos__V1__Scheduler__Call__Shutdown sd = MESOS__V1__SCHEDULER__CALL__SHUTDOWN__INIT;
	sd.executor_id = &eid;
	sd.agent_id = &aid;
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN;
	c.shutdown = &sd;
	struct pb w_sd = {0};
	pb_id(&w_sd, 1, "e-1");
	pb_id(&w_sd, 2, "a-1");
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 7);
	pb_msg(&want, 7, &w_sd);
	pack_is(&c.base, &want, "scheduler SHUTDOWN");

	/* REVIVE: type 5, field 15; SUPPRESS: type 12, field 16 (two-byte tag). */
	char *roles[] = {"etcd"};
	Mesos__V1__Scheduler__Call__Revive rev = MESOS__V1__SCHEDULER__CALL__REVIVE__INIT;
	rev.n_roles = 1;
	rev.roles = roles;
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE;
	c.revive = &rev;
	struct pb w_roles = {0};
	pb_str(&w_roles, 1, "etcd");
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 5);
	pb_msg(&want, 15, &w_roles);
	pack_is(&c.base, &want, "scheduler REVIVE (type 5, field 15)");
	Mesos__V1__Scheduler__Call__Suppress sup = MESOS__V1__SCHEDULER__CALL__SUPPRESS__INIT;
	sup.n_roles = 1;
	sup.roles = roles;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS;
	c.revive = NULL;
	c.suppress = &sup;
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 12);
	pb_msg(&want, 16, &w_roles);
	pack_is(&c.base, &want, "scheduler SUPPRESS (type 12, field 16)");

	/* TEARDOWN: no sub-message. */
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN;
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 2);
	pack_is(&c.base, &want, "scheduler TEARDOWN");

	/* ACKNOWLEDGE_OPERATION_STATUS: type 15, field 17. */
	Mesos__V1__OperationID opid = MESOS__V1__OPERATION_ID__INIT;
	opid.value = "op-1";
	Mesos__V1__Scheduler__Call__AcknowledgeOperationStatus aos =
		MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE_OPERATION_STATUS__INIT;
	aos.agent_id = &aid;
	aos.uuid.data = (uint8_t *)UUID1;
	aos.uuid.len = sizeof UUID1;
	aos.operation_id = &opid;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE_OPERATION_STATUS;
	c.acknowledge_operation_status = &aos;
	struct pb w_aos = {0};
	pb_id(&w_aos, 1, "a-1");
	pb_bytes(&w_aos, 3, UUID1, sizeof UUID1);
	pb_id(&w_aos, 4, "op-1");
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 15);
	pb_msg(&want, 17, &w_aos);
	pack_is(&c.base, &want, "scheduler ACKNOWLEDGE_OPERATION_STATUS (type 15, field 17)");

	/* DECLINE_INVERSE_OFFERS: type 14, field 14. */
	Mesos__V1__Scheduler__Call__DeclineInverseOffers dio =
		MESOS__V1__SCHEDULER__CALL__DECLINE_INVERSE_OFFERS__INIT;
	Mesos__V1__OfferID *io[] = {&o2};
	dio.n_inverse_offer_ids = 1;
	dio.inverse_offer_ids = io;
	c = (Mesos__V1__Scheduler__Call)MESOS__V1__SCHEDULER__CALL__INIT;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE_INVERSE_OFFERS;
	c.decline_inverse_offers = &dio;
	struct pb w_dio = {0};
	pb_id(&w_dio, 1, "o-2");
	want = (struct pb){0};
	pb_id(&want, 1, "fw-1");
	pb_uint(&want, 2, 14);
	pb_msg(&want, 14, &w_dio);
	pack_is(&c.base, &want, "scheduler DECLINE_INVERSE_OFFERS");
}

static void test_task_status_pack(void)
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = "t-1";
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	st.task_id = &tid;
	st.state = MESOS__V1__TASK_STATE__TASK_FAILED;
	st.message = "etcd exited";
	st.has_source = 1;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	st.has_reason = 1;
	st.reason = MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_TERMINATED;
	st.has_uuid = 1;
	st.uuid.data = (uint8_t *)UUID1;
	st.uuid.len = sizeof UUID1;
	st.has_data = 1;
	st.data.data = (uint8_t *)"{}";
	st.data.len = 2;
	struct pb want = {0};
	pb_id(&want, 1, "t-1");
	pb_uint(&want, 2, 3);              /* TASK_FAILED */
	pb_str(&want, 3, "{}");            /* data */
	pb_str(&want, 4, "etcd exited");
	pb_uint(&want, 9, 2);
	pb_uint(&want, 10, 1);
	pb_bytes(&want, 11, UUID1, sizeof UUID1);
	pack_is(&st.base, &want, "TaskStatus with uuid, source, reason, data");

	/* TASK_STARTING is 0 and still on the wire (required field). */
	Mesos__V1__TaskStatus st0 = MESOS__V1__TASK_STATUS__INIT;
	st0.task_id = &tid;
	st0.state = MESOS__V1__TASK_STATE__TASK_STARTING;
	want = (struct pb){0};
	pb_id(&want, 1, "t-1");
	pb_uint(&want, 2, 0);
	pack_is(&st0.base, &want, "TaskStatus TASK_STARTING (0) is sent");
}

static void test_resource_ranges_pack(void)
{
	Mesos__V1__Value__Range r1 = MESOS__V1__VALUE__RANGE__INIT, r2 = MESOS__V1__VALUE__RANGE__INIT;
	r1.begin = 31000;
	r1.end = 31001;
	r2.begin = 31005;
	r2.end = 31100;
	Mesos__V1__Value__Range *rv[] = {&r1, &r2};
	Mesos__V1__Value__Ranges ranges = MESOS__V1__VALUE__RANGES__INIT;
	ranges.n_range = 2;
	ranges.range = rv;
	Mesos__V1__Resource r = MESOS__V1__RESOURCE__INIT;
	r.name = "ports";
	r.type = MESOS__V1__VALUE__TYPE__RANGES;
	r.ranges = &ranges;
	struct pb want = {0}, w1 = {0}, w2 = {0}, ws = {0};
	pb_uint(&w1, 1, 31000);
	pb_uint(&w1, 2, 31001);
	pb_uint(&w2, 1, 31005);
	pb_uint(&w2, 2, 31100);
	pb_msg(&ws, 1, &w1);
	pb_msg(&ws, 1, &w2);
	pb_str(&want, 1, "ports");
	pb_uint(&want, 2, 1);
	pb_msg(&want, 4, &ws);
	pack_is(&r.base, &want, "Resource ports with two ranges (role default not sent)");
}

int main(void)
{
	test_sched_subscribe();
	test_sched_accept_launch();
	test_sched_accept_volume_ops();
	test_sched_small_calls();
	test_task_status_pack();
	test_resource_ranges_pack();
	return done_testing();
}
