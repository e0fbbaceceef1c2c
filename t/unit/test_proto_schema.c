/*
 * test_proto_schema.c — the shape of our Mesos v1 messages, field by field.
 *
 * Each row below is an upstream Mesos 1.12 declaration transcribed from
 * include/mesos/v1/{mesos,scheduler/scheduler,executor/executor}.proto:
 * "name=NUMBER<label><type>[+][:type name]", label ! required, ? optional,
 * * repeated; type S string, Y bytes, B bool, D double, I int32, L int64,
 * U uint32, Q uint64, E enum, M message; + marks a [default = ...]. The
 * test checks every declared field of the generated descriptors against
 * its row, and that the message has no field the row does not list, so
 * a renumbered, retyped, relabelled or stray field fails here even where
 * the wire bytes would not show it (int32 vs uint32, optional vs
 * required). Enum tables are checked the same way. The second half checks
 * the protobuf-c traps of PROTOCOLS.md section J.
 */
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/mesos.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"
#include "pb_wire.h"

#include <stdlib.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define M1(x) &mesos__v1__##x##__descriptor
#define SCH(x) &mesos__v1__scheduler__##x##__descriptor
#define EXE(x) &mesos__v1__executor__##x##__descriptor

struct msg_spec {
	const ProtobufCMessageDescriptor *d;
	const char *name;
	const char *fields;
};

static const struct msg_spec MSGS[] = {
	{M1(framework_id), "mesos.v1.FrameworkID", "value=1!S"},
	{M1(offer_id), "mesos.v1.OfferID", "value=1!S"},
	{M1(agent_id), "mesos.v1.AgentID", "value=1!S"},
	{M1(task_id), "mesos.v1.TaskID", "value=1!S"},
	{M1(executor_id), "mesos.v1.ExecutorID", "value=1!S"},
	{M1(container_id), "mesos.v1.ContainerID", "value=1!S parent=2?M:mesos.v1.ContainerID"},
	{M1(resource_provider_id), "mesos.v1.ResourceProviderID", "value=1!S"},
	{M1(operation_id), "mesos.v1.OperationID", "value=1!S"},
	{M1(time_info), "mesos.v1.TimeInfo", "nanoseconds=1!L"},
	{M1(duration_info), "mesos.v1.DurationInfo", "nanoseconds=1!L"},
	{M1(uuid), "mesos.v1.UUID", "value=1!Y"},
	{M1(address), "mesos.v1.Address", "hostname=1?S ip=2?S port=3!I"},
	{M1(parameter), "mesos.v1.Parameter", "key=1!S value=2!S"},
	{M1(url), "mesos.v1.URL", "scheme=1!S address=2!M:mesos.v1.Address path=3?S "
		"query=4*M:mesos.v1.Parameter fragment=5?S"},
	{M1(unavailability), "mesos.v1.Unavailability",
		"start=1!M:mesos.v1.TimeInfo duration=2?M:mesos.v1.DurationInfo"},
	{M1(domain_info), "mesos.v1.DomainInfo", "fault_domain=1?M:mesos.v1.DomainInfo.FaultDomain"},
	{M1(domain_info__fault_domain), "mesos.v1.DomainInfo.FaultDomain",
		"region=1!M:mesos.v1.DomainInfo.FaultDomain.RegionInfo "
		"zone=2!M:mesos.v1.DomainInfo.FaultDomain.ZoneInfo"},
	{M1(domain_info__fault_domain__region_info), "mesos.v1.DomainInfo.FaultDomain.RegionInfo", "name=1!S"},
	{M1(domain_info__fault_domain__zone_info), "mesos.v1.DomainInfo.FaultDomain.ZoneInfo", "name=1!S"},
	{M1(framework_info), "mesos.v1.FrameworkInfo",
		"user=1!S name=2!S id=3?M:mesos.v1.FrameworkID failover_timeout=4?D+ "
		"checkpoint=5?B+ role=6?S+ roles=12*S hostname=7?S principal=8?S webui_url=9?S "
		"capabilities=10*M:mesos.v1.FrameworkInfo.Capability labels=11?M:mesos.v1.Labels"},
	{M1(framework_info__capability), "mesos.v1.FrameworkInfo.Capability",
		"type=1?E:mesos.v1.FrameworkInfo.Capability.Type"},
	{M1(master_info), "mesos.v1.MasterInfo",
		"id=1!S ip=2!U port=3!U+ pid=4?S hostname=5?S version=6?S address=7?M:mesos.v1.Address "
		"domain=8?M:mesos.v1.DomainInfo capabilities=9*M:mesos.v1.MasterInfo.Capability"},
	{M1(master_info__capability), "mesos.v1.MasterInfo.Capability",
		"type=1?E:mesos.v1.MasterInfo.Capability.Type"},
	{M1(agent_info), "mesos.v1.AgentInfo",
		"hostname=1!S port=8?I+ resources=3*M:mesos.v1.Resource attributes=5*M:mesos.v1.Attribute "
		"id=6?M:mesos.v1.AgentID domain=10?M:mesos.v1.DomainInfo"},
	{M1(value), "mesos.v1.Value",
		"type=1!E:mesos.v1.Value.Type scalar=2?M:mesos.v1.Value.Scalar "
		"ranges=3?M:mesos.v1.Value.Ranges set=4?M:mesos.v1.Value.Set text=5?M:mesos.v1.Value.Text"},
	{M1(value__scalar), "mesos.v1.Value.Scalar", "value=1!D"},
	{M1(value__range), "mesos.v1.Value.Range", "begin=1!Q end=2!Q"},
	{M1(value__ranges), "mesos.v1.Value.Ranges", "range=1*M:mesos.v1.Value.Range"},
	{M1(value__set), "mesos.v1.Value.Set", "item=1*S"},
	{M1(value__text), "mesos.v1.Value.Text", "value=1!S"},
	{M1(attribute), "mesos.v1.Attribute",
		"name=1!S type=2!E:mesos.v1.Value.Type scalar=3?M:mesos.v1.Value.Scalar "
		"ranges=4?M:mesos.v1.Value.Ranges set=6?M:mesos.v1.Value.Set text=5?M:mesos.v1.Value.Text"},
	{M1(resource), "mesos.v1.Resource",
		"provider_id=12?M:mesos.v1.ResourceProviderID name=1!S type=2!E:mesos.v1.Value.Type "
		"scalar=3?M:mesos.v1.Value.Scalar ranges=4?M:mesos.v1.Value.Ranges set=5?M:mesos.v1.Value.Set "
		"role=6?S+ allocation_info=11?M:mesos.v1.Resource.AllocationInfo "
		"reservation=8?M:mesos.v1.Resource.ReservationInfo "
		"reservations=13*M:mesos.v1.Resource.ReservationInfo disk=7?M:mesos.v1.Resource.DiskInfo "
		"revocable=9?M:mesos.v1.Resource.RevocableInfo shared=10?M:mesos.v1.Resource.SharedInfo"},
	{M1(resource__allocation_info), "mesos.v1.Resource.AllocationInfo", "role=1?S"},
	{M1(resource__reservation_info), "mesos.v1.Resource.ReservationInfo",
		"type=4?E:mesos.v1.Resource.ReservationInfo.Type role=3?S principal=1?S labels=2?M:mesos.v1.Labels"},
	{M1(resource__disk_info), "mesos.v1.Resource.DiskInfo",
		"persistence=1?M:mesos.v1.Resource.DiskInfo.Persistence volume=2?M:mesos.v1.Volume "
		"source=3?M:mesos.v1.Resource.DiskInfo.Source"},
	{M1(resource__disk_info__persistence), "mesos.v1.Resource.DiskInfo.Persistence", "id=1!S principal=2?S"},
	{M1(resource__disk_info__source), "mesos.v1.Resource.DiskInfo.Source",
		"type=1!E:mesos.v1.Resource.DiskInfo.Source.Type path=2?M:mesos.v1.Resource.DiskInfo.Source.Path "
		"mount=3?M:mesos.v1.Resource.DiskInfo.Source.Mount vendor=7?S id=4?S "
		"metadata=5?M:mesos.v1.Labels profile=6?S"},
	{M1(resource__disk_info__source__path), "mesos.v1.Resource.DiskInfo.Source.Path", "root=1?S"},
	{M1(resource__disk_info__source__mount), "mesos.v1.Resource.DiskInfo.Source.Mount", "root=1?S"},
	{M1(resource__revocable_info), "mesos.v1.Resource.RevocableInfo", ""},
	{M1(resource__shared_info), "mesos.v1.Resource.SharedInfo", ""},
	{M1(volume), "mesos.v1.Volume", "mode=3!E:mesos.v1.Volume.Mode container_path=1!S host_path=2?S"},
	{M1(offer), "mesos.v1.Offer",
		"id=1!M:mesos.v1.OfferID framework_id=2!M:mesos.v1.FrameworkID agent_id=3!M:mesos.v1.AgentID "
		"hostname=4!S url=8?M:mesos.v1.URL domain=11?M:mesos.v1.DomainInfo "
		"resources=5*M:mesos.v1.Resource attributes=7*M:mesos.v1.Attribute "
		"executor_ids=6*M:mesos.v1.ExecutorID unavailability=9?M:mesos.v1.Unavailability "
		"allocation_info=10?M:mesos.v1.Resource.AllocationInfo"},
	{M1(offer__operation), "mesos.v1.Offer.Operation",
		"type=1?E:mesos.v1.Offer.Operation.Type id=12?M:mesos.v1.OperationID "
		"launch=2?M:mesos.v1.Offer.Operation.Launch reserve=3?M:mesos.v1.Offer.Operation.Reserve "
		"unreserve=4?M:mesos.v1.Offer.Operation.Unreserve create=5?M:mesos.v1.Offer.Operation.Create "
		"destroy=6?M:mesos.v1.Offer.Operation.Destroy"},
	{M1(offer__operation__launch), "mesos.v1.Offer.Operation.Launch", "task_infos=1*M:mesos.v1.TaskInfo"},
	{M1(offer__operation__reserve), "mesos.v1.Offer.Operation.Reserve",
		"source=2*M:mesos.v1.Resource resources=1*M:mesos.v1.Resource"},
	{M1(offer__operation__unreserve), "mesos.v1.Offer.Operation.Unreserve", "resources=1*M:mesos.v1.Resource"},
	{M1(offer__operation__create), "mesos.v1.Offer.Operation.Create", "volumes=1*M:mesos.v1.Resource"},
	{M1(offer__operation__destroy), "mesos.v1.Offer.Operation.Destroy", "volumes=1*M:mesos.v1.Resource"},
	{M1(inverse_offer), "mesos.v1.InverseOffer",
		"id=1!M:mesos.v1.OfferID url=2?M:mesos.v1.URL framework_id=3!M:mesos.v1.FrameworkID "
		"agent_id=4?M:mesos.v1.AgentID unavailability=5!M:mesos.v1.Unavailability "
		"resources=6*M:mesos.v1.Resource"},
	{M1(filters), "mesos.v1.Filters", "refuse_seconds=1?D+"},
	{M1(task_info), "mesos.v1.TaskInfo",
		"name=1!S task_id=2!M:mesos.v1.TaskID agent_id=3!M:mesos.v1.AgentID "
		"resources=4*M:mesos.v1.Resource executor=5?M:mesos.v1.ExecutorInfo "
		"command=7?M:mesos.v1.CommandInfo health_check=8?M:mesos.v1.HealthCheck "
		"kill_policy=12?M:mesos.v1.KillPolicy data=6?Y labels=10?M:mesos.v1.Labels "
		"discovery=11?M:mesos.v1.DiscoveryInfo max_completion_time=14?M:mesos.v1.DurationInfo"},
	{M1(executor_info), "mesos.v1.ExecutorInfo",
		"type=15?E:mesos.v1.ExecutorInfo.Type executor_id=1!M:mesos.v1.ExecutorID "
		"framework_id=8?M:mesos.v1.FrameworkID command=7?M:mesos.v1.CommandInfo "
		"resources=5*M:mesos.v1.Resource name=9?S data=4?Y discovery=12?M:mesos.v1.DiscoveryInfo "
		"shutdown_grace_period=13?M:mesos.v1.DurationInfo labels=14?M:mesos.v1.Labels"},
	{M1(command_info), "mesos.v1.CommandInfo",
		"uris=1*M:mesos.v1.CommandInfo.URI environment=2?M:mesos.v1.Environment shell=6?B+ "
		"value=3?S arguments=7*S user=5?S"},
	{M1(command_info__uri), "mesos.v1.CommandInfo.URI",
		"value=1!S executable=2?B extract=3?B+ cache=4?B output_file=5?S"},
	{M1(environment), "mesos.v1.Environment", "variables=1*M:mesos.v1.Environment.Variable"},
	{M1(environment__variable), "mesos.v1.Environment.Variable",
		"name=1!S type=3?E+:mesos.v1.Environment.Variable.Type value=2?S"},
	{M1(kill_policy), "mesos.v1.KillPolicy", "grace_period=1?M:mesos.v1.DurationInfo"},
	{M1(labels), "mesos.v1.Labels", "labels=1*M:mesos.v1.Label"},
	{M1(label), "mesos.v1.Label", "key=1!S value=2?S"},
	{M1(discovery_info), "mesos.v1.DiscoveryInfo",
		"visibility=1!E:mesos.v1.DiscoveryInfo.Visibility name=2?S environment=3?S location=4?S "
		"version=5?S ports=6?M:mesos.v1.Ports labels=7?M:mesos.v1.Labels"},
	{M1(ports), "mesos.v1.Ports", "ports=1*M:mesos.v1.Port"},
	{M1(port), "mesos.v1.Port",
		"number=1!U name=2?S protocol=3?S visibility=4?E:mesos.v1.DiscoveryInfo.Visibility "
		"labels=5?M:mesos.v1.Labels"},
	{M1(health_check), "mesos.v1.HealthCheck",
		"delay_seconds=2?D+ interval_seconds=3?D+ timeout_seconds=4?D+ consecutive_failures=5?U+ "
		"grace_period_seconds=6?D+ type=8?E:mesos.v1.HealthCheck.Type command=7?M:mesos.v1.CommandInfo "
		"http=1?M:mesos.v1.HealthCheck.HTTPCheckInfo tcp=9?M:mesos.v1.HealthCheck.TCPCheckInfo"},
	{M1(health_check__httpcheck_info), "mesos.v1.HealthCheck.HTTPCheckInfo",
		"protocol=5?E+:mesos.v1.NetworkInfo.Protocol scheme=3?S port=1!U path=2?S statuses=4*U"},
	{M1(health_check__tcpcheck_info), "mesos.v1.HealthCheck.TCPCheckInfo",
		"protocol=2?E+:mesos.v1.NetworkInfo.Protocol port=1!U"},
	{M1(network_info), "mesos.v1.NetworkInfo",
		"ip_addresses=5*M:mesos.v1.NetworkInfo.IPAddress name=6?S groups=3*S labels=4?M:mesos.v1.Labels"},
	{M1(network_info__ipaddress), "mesos.v1.NetworkInfo.IPAddress",
		"protocol=1?E+:mesos.v1.NetworkInfo.Protocol ip_address=2?S"},
	{M1(container_status), "mesos.v1.ContainerStatus",
		"container_id=4?M:mesos.v1.ContainerID network_infos=1*M:mesos.v1.NetworkInfo executor_pid=3?U"},
	{M1(task_resource_limitation), "mesos.v1.TaskResourceLimitation", "resources=1*M:mesos.v1.Resource"},
	{M1(task_status), "mesos.v1.TaskStatus",
		"task_id=1!M:mesos.v1.TaskID state=2!E:mesos.v1.TaskState message=4?S "
		"source=9?E:mesos.v1.TaskStatus.Source reason=10?E:mesos.v1.TaskStatus.Reason data=3?Y "
		"agent_id=5?M:mesos.v1.AgentID executor_id=7?M:mesos.v1.ExecutorID timestamp=6?D uuid=11?Y "
		"healthy=8?B labels=12?M:mesos.v1.Labels container_status=13?M:mesos.v1.ContainerStatus "
		"unreachable_time=14?M:mesos.v1.TimeInfo limitation=16?M:mesos.v1.TaskResourceLimitation"},
	{M1(operation_status), "mesos.v1.OperationStatus",
		"operation_id=1?M:mesos.v1.OperationID state=2!E:mesos.v1.OperationState message=3?S "
		"converted_resources=4*M:mesos.v1.Resource uuid=5?M:mesos.v1.UUID agent_id=6?M:mesos.v1.AgentID "
		"resource_provider_id=7?M:mesos.v1.ResourceProviderID"},

	{SCH(event), "mesos.v1.scheduler.Event",
		"type=1?E:mesos.v1.scheduler.Event.Type subscribed=2?M:mesos.v1.scheduler.Event.Subscribed "
		"offers=3?M:mesos.v1.scheduler.Event.Offers inverse_offers=9?M:mesos.v1.scheduler.Event.InverseOffers "
		"rescind=4?M:mesos.v1.scheduler.Event.Rescind "
		"rescind_inverse_offer=10?M:mesos.v1.scheduler.Event.RescindInverseOffer "
		"update=5?M:mesos.v1.scheduler.Event.Update "
		"update_operation_status=11?M:mesos.v1.scheduler.Event.UpdateOperationStatus "
		"message=6?M:mesos.v1.scheduler.Event.Message failure=7?M:mesos.v1.scheduler.Event.Failure "
		"error=8?M:mesos.v1.scheduler.Event.Error"},
	{SCH(event__subscribed), "mesos.v1.scheduler.Event.Subscribed",
		"framework_id=1!M:mesos.v1.FrameworkID heartbeat_interval_seconds=2?D "
		"master_info=3?M:mesos.v1.MasterInfo"},
	{SCH(event__offers), "mesos.v1.scheduler.Event.Offers", "offers=1*M:mesos.v1.Offer"},
	{SCH(event__inverse_offers), "mesos.v1.scheduler.Event.InverseOffers",
		"inverse_offers=1*M:mesos.v1.InverseOffer"},
	{SCH(event__rescind), "mesos.v1.scheduler.Event.Rescind", "offer_id=1!M:mesos.v1.OfferID"},
	{SCH(event__rescind_inverse_offer), "mesos.v1.scheduler.Event.RescindInverseOffer",
		"inverse_offer_id=1!M:mesos.v1.OfferID"},
	{SCH(event__update), "mesos.v1.scheduler.Event.Update", "status=1!M:mesos.v1.TaskStatus"},
	{SCH(event__update_operation_status), "mesos.v1.scheduler.Event.UpdateOperationStatus",
		"status=1!M:mesos.v1.OperationStatus"},
	{SCH(event__message), "mesos.v1.scheduler.Event.Message",
		"agent_id=1!M:mesos.v1.AgentID executor_id=2!M:mesos.v1.ExecutorID data=3!Y"},
	{SCH(event__failure), "mesos.v1.scheduler.Event.Failure",
		"agent_id=1?M:mesos.v1.AgentID executor_id=2?M:mesos.v1.ExecutorID status=3?I"},
	{SCH(event__error), "mesos.v1.scheduler.Event.Error", "message=1!S"},
	{SCH(call), "mesos.v1.scheduler.Call",
		"framework_id=1?M:mesos.v1.FrameworkID type=2?E:mesos.v1.scheduler.Call.Type "
		"subscribe=3?M:mesos.v1.scheduler.Call.Subscribe accept=4?M:mesos.v1.scheduler.Call.Accept "
		"decline=5?M:mesos.v1.scheduler.Call.Decline "
		"accept_inverse_offers=13?M:mesos.v1.scheduler.Call.AcceptInverseOffers "
		"decline_inverse_offers=14?M:mesos.v1.scheduler.Call.DeclineInverseOffers "
		"revive=15?M:mesos.v1.scheduler.Call.Revive kill=6?M:mesos.v1.scheduler.Call.Kill "
		"shutdown=7?M:mesos.v1.scheduler.Call.Shutdown acknowledge=8?M:mesos.v1.scheduler.Call.Acknowledge "
		"acknowledge_operation_status=17?M:mesos.v1.scheduler.Call.AcknowledgeOperationStatus "
		"reconcile=9?M:mesos.v1.scheduler.Call.Reconcile "
		"reconcile_operations=18?M:mesos.v1.scheduler.Call.ReconcileOperations "
		"message=10?M:mesos.v1.scheduler.Call.Message suppress=16?M:mesos.v1.scheduler.Call.Suppress "
		"update_framework=19?M:mesos.v1.scheduler.Call.UpdateFramework"},
	{SCH(call__subscribe), "mesos.v1.scheduler.Call.Subscribe",
		"framework_info=1!M:mesos.v1.FrameworkInfo suppressed_roles=2*S"},
	{SCH(call__accept), "mesos.v1.scheduler.Call.Accept",
		"offer_ids=1*M:mesos.v1.OfferID operations=2*M:mesos.v1.Offer.Operation filters=3?M:mesos.v1.Filters"},
	{SCH(call__decline), "mesos.v1.scheduler.Call.Decline",
		"offer_ids=1*M:mesos.v1.OfferID filters=2?M:mesos.v1.Filters"},
	{SCH(call__accept_inverse_offers), "mesos.v1.scheduler.Call.AcceptInverseOffers",
		"inverse_offer_ids=1*M:mesos.v1.OfferID filters=2?M:mesos.v1.Filters"},
	{SCH(call__decline_inverse_offers), "mesos.v1.scheduler.Call.DeclineInverseOffers",
		"inverse_offer_ids=1*M:mesos.v1.OfferID filters=2?M:mesos.v1.Filters"},
	{SCH(call__revive), "mesos.v1.scheduler.Call.Revive", "roles=1*S"},
	{SCH(call__suppress), "mesos.v1.scheduler.Call.Suppress", "roles=1*S"},
	{SCH(call__kill), "mesos.v1.scheduler.Call.Kill",
		"task_id=1!M:mesos.v1.TaskID agent_id=2?M:mesos.v1.AgentID kill_policy=3?M:mesos.v1.KillPolicy"},
	{SCH(call__shutdown), "mesos.v1.scheduler.Call.Shutdown",
		"executor_id=1!M:mesos.v1.ExecutorID agent_id=2!M:mesos.v1.AgentID"},
	{SCH(call__acknowledge), "mesos.v1.scheduler.Call.Acknowledge",
		"agent_id=1!M:mesos.v1.AgentID task_id=2!M:mesos.v1.TaskID uuid=3!Y"},
	{SCH(call__acknowledge_operation_status), "mesos.v1.scheduler.Call.AcknowledgeOperationStatus",
		"agent_id=1?M:mesos.v1.AgentID resource_provider_id=2?M:mesos.v1.ResourceProviderID uuid=3!Y "
		"operation_id=4!M:mesos.v1.OperationID"},
	{SCH(call__reconcile), "mesos.v1.scheduler.Call.Reconcile",
		"tasks=1*M:mesos.v1.scheduler.Call.Reconcile.Task"},
	{SCH(call__reconcile__task), "mesos.v1.scheduler.Call.Reconcile.Task",
		"task_id=1!M:mesos.v1.TaskID agent_id=2?M:mesos.v1.AgentID"},
	{SCH(call__reconcile_operations), "mesos.v1.scheduler.Call.ReconcileOperations",
		"operations=1*M:mesos.v1.scheduler.Call.ReconcileOperations.Operation"},
	{SCH(call__reconcile_operations__operation), "mesos.v1.scheduler.Call.ReconcileOperations.Operation",
		"operation_id=1!M:mesos.v1.OperationID agent_id=2?M:mesos.v1.AgentID "
		"resource_provider_id=3?M:mesos.v1.ResourceProviderID"},
	{SCH(call__message), "mesos.v1.scheduler.Call.Message",
		"agent_id=1!M:mesos.v1.AgentID executor_id=2!M:mesos.v1.ExecutorID data=3!Y"},
	{SCH(call__update_framework), "mesos.v1.scheduler.Call.UpdateFramework",
		"framework_info=1!M:mesos.v1.FrameworkInfo suppressed_roles=2*S"},

	{EXE(event), "mesos.v1.executor.Event",
		"type=1?E:mesos.v1.executor.Event.Type subscribed=2?M:mesos.v1.executor.Event.Subscribed "
		"acknowledged=3?M:mesos.v1.executor.Event.Acknowledged launch=4?M:mesos.v1.executor.Event.Launch "
		"kill=5?M:mesos.v1.executor.Event.Kill message=6?M:mesos.v1.executor.Event.Message "
		"error=7?M:mesos.v1.executor.Event.Error"},
	{EXE(event__subscribed), "mesos.v1.executor.Event.Subscribed",
		"executor_info=1!M:mesos.v1.ExecutorInfo framework_info=2!M:mesos.v1.FrameworkInfo "
		"agent_info=3!M:mesos.v1.AgentInfo container_id=4?M:mesos.v1.ContainerID"},
	{EXE(event__launch), "mesos.v1.executor.Event.Launch", "task=1!M:mesos.v1.TaskInfo"},
	{EXE(event__kill), "mesos.v1.executor.Event.Kill",
		"task_id=1!M:mesos.v1.TaskID kill_policy=2?M:mesos.v1.KillPolicy"},
	{EXE(event__acknowledged), "mesos.v1.executor.Event.Acknowledged", "task_id=1!M:mesos.v1.TaskID uuid=2!Y"},
	{EXE(event__message), "mesos.v1.executor.Event.Message", "data=1!Y"},
	{EXE(event__error), "mesos.v1.executor.Event.Error", "message=1!S"},
	{EXE(call), "mesos.v1.executor.Call",
		"executor_id=1!M:mesos.v1.ExecutorID framework_id=2!M:mesos.v1.FrameworkID "
		"type=3?E:mesos.v1.executor.Call.Type subscribe=4?M:mesos.v1.executor.Call.Subscribe "
		"update=5?M:mesos.v1.executor.Call.Update message=6?M:mesos.v1.executor.Call.Message"},
	{EXE(call__subscribe), "mesos.v1.executor.Call.Subscribe",
		"unacknowledged_tasks=1*M:mesos.v1.TaskInfo unacknowledged_updates=2*M:mesos.v1.executor.Call.Update"},
	{EXE(call__update), "mesos.v1.executor.Call.Update", "status=1!M:mesos.v1.TaskStatus"},
	{EXE(call__message), "mesos.v1.executor.Call.Message", "data=2!Y"},
};

struct enum_spec {
	const ProtobufCEnumDescriptor *d;
	const char *name;
	const char *values;
};

static const struct enum_spec ENUMS[] = {
	{M1(framework_info__capability__type), "mesos.v1.FrameworkInfo.Capability.Type",
		"UNKNOWN=0 REVOCABLE_RESOURCES=1 TASK_KILLING_STATE=2 GPU_RESOURCES=3 SHARED_RESOURCES=4 "
		"PARTITION_AWARE=5 MULTI_ROLE=6 RESERVATION_REFINEMENT=7 REGION_AWARE=8"},
	{M1(master_info__capability__type), "mesos.v1.MasterInfo.Capability.Type",
		"UNKNOWN=0 AGENT_UPDATE=1 AGENT_DRAINING=2 QUOTA_V2=3"},
	{M1(value__type), "mesos.v1.Value.Type", "SCALAR=0 RANGES=1 SET=2 TEXT=3"},
	{M1(resource__reservation_info__type), "mesos.v1.Resource.ReservationInfo.Type",
		"UNKNOWN=0 STATIC=1 DYNAMIC=2"},
	{M1(resource__disk_info__source__type), "mesos.v1.Resource.DiskInfo.Source.Type",
		"UNKNOWN=0 PATH=1 MOUNT=2 BLOCK=3 RAW=4"},
	{M1(volume__mode), "mesos.v1.Volume.Mode", "RW=1 RO=2"},
	{M1(offer__operation__type), "mesos.v1.Offer.Operation.Type",
		"UNKNOWN=0 LAUNCH=1 LAUNCH_GROUP=6 RESERVE=2 UNRESERVE=3 CREATE=4 DESTROY=5 "
		"GROW_VOLUME=11 SHRINK_VOLUME=12 CREATE_DISK=13 DESTROY_DISK=14"},
	{M1(executor_info__type), "mesos.v1.ExecutorInfo.Type", "UNKNOWN=0 DEFAULT=1 CUSTOM=2"},
	{M1(environment__variable__type), "mesos.v1.Environment.Variable.Type", "UNKNOWN=0 VALUE=1 SECRET=2"},
	{M1(discovery_info__visibility), "mesos.v1.DiscoveryInfo.Visibility", "FRAMEWORK=0 CLUSTER=1 EXTERNAL=2"},
	{M1(health_check__type), "mesos.v1.HealthCheck.Type", "UNKNOWN=0 COMMAND=1 HTTP=2 TCP=3"},
	{M1(network_info__protocol), "mesos.v1.NetworkInfo.Protocol", "IPv4=1 IPv6=2"},
	{M1(task_state), "mesos.v1.TaskState",
		"TASK_STAGING=6 TASK_STARTING=0 TASK_RUNNING=1 TASK_KILLING=8 TASK_FINISHED=2 TASK_FAILED=3 "
		"TASK_KILLED=4 TASK_ERROR=7 TASK_LOST=5 TASK_DROPPED=9 TASK_UNREACHABLE=10 TASK_GONE=11 "
		"TASK_GONE_BY_OPERATOR=12 TASK_UNKNOWN=13"},
	{M1(task_status__source), "mesos.v1.TaskStatus.Source", "SOURCE_MASTER=0 SOURCE_AGENT=1 SOURCE_EXECUTOR=2"},
	{M1(task_status__reason), "mesos.v1.TaskStatus.Reason",
		"REASON_COMMAND_EXECUTOR_FAILED=0 REASON_CONTAINER_LAUNCH_FAILED=21 REASON_CONTAINER_LIMITATION=19 "
		"REASON_CONTAINER_LIMITATION_DISK=20 REASON_CONTAINER_LIMITATION_MEMORY=8 "
		"REASON_CONTAINER_PREEMPTED=17 REASON_CONTAINER_UPDATE_FAILED=22 "
		"REASON_MAX_COMPLETION_TIME_REACHED=33 REASON_EXECUTOR_REGISTRATION_TIMEOUT=23 "
		"REASON_EXECUTOR_REREGISTRATION_TIMEOUT=24 REASON_EXECUTOR_TERMINATED=1 "
		"REASON_EXECUTOR_UNREGISTERED=2 REASON_FRAMEWORK_REMOVED=3 REASON_GC_ERROR=4 "
		"REASON_INVALID_FRAMEWORKID=5 REASON_INVALID_OFFERS=6 REASON_IO_SWITCHBOARD_EXITED=27 "
		"REASON_MASTER_DISCONNECTED=7 REASON_RECONCILIATION=9 REASON_RESOURCES_UNKNOWN=18 "
		"REASON_AGENT_DISCONNECTED=10 REASON_AGENT_DRAINING=34 REASON_AGENT_REMOVED=11 "
		"REASON_AGENT_REMOVED_BY_OPERATOR=31 REASON_AGENT_REREGISTERED=32 REASON_AGENT_RESTARTED=12 "
		"REASON_AGENT_UNKNOWN=13 REASON_TASK_KILLED_DURING_LAUNCH=30 REASON_TASK_CHECK_STATUS_UPDATED=28 "
		"REASON_TASK_HEALTH_CHECK_STATUS_UPDATED=29 REASON_TASK_GROUP_INVALID=25 "
		"REASON_TASK_GROUP_UNAUTHORIZED=26 REASON_TASK_INVALID=14 REASON_TASK_UNAUTHORIZED=15 "
		"REASON_TASK_UNKNOWN=16"},
	{M1(operation_state), "mesos.v1.OperationState",
		"OPERATION_UNSUPPORTED=0 OPERATION_PENDING=1 OPERATION_FINISHED=2 OPERATION_FAILED=3 "
		"OPERATION_ERROR=4 OPERATION_DROPPED=5 OPERATION_UNREACHABLE=6 OPERATION_GONE_BY_OPERATOR=7 "
		"OPERATION_RECOVERING=8 OPERATION_UNKNOWN=9"},
	{SCH(event__type), "mesos.v1.scheduler.Event.Type",
		"UNKNOWN=0 SUBSCRIBED=1 OFFERS=2 INVERSE_OFFERS=9 RESCIND=3 RESCIND_INVERSE_OFFER=10 UPDATE=4 "
		"UPDATE_OPERATION_STATUS=11 MESSAGE=5 FAILURE=6 ERROR=7 HEARTBEAT=8"},
	{SCH(call__type), "mesos.v1.scheduler.Call.Type",
		"UNKNOWN=0 SUBSCRIBE=1 TEARDOWN=2 ACCEPT=3 DECLINE=4 ACCEPT_INVERSE_OFFERS=13 "
		"DECLINE_INVERSE_OFFERS=14 REVIVE=5 KILL=6 SHUTDOWN=7 ACKNOWLEDGE=8 "
		"ACKNOWLEDGE_OPERATION_STATUS=15 RECONCILE=9 RECONCILE_OPERATIONS=16 MESSAGE=10 REQUEST=11 "
		"SUPPRESS=12 UPDATE_FRAMEWORK=17"},
	{EXE(event__type), "mesos.v1.executor.Event.Type",
		"UNKNOWN=0 SUBSCRIBED=1 LAUNCH=2 LAUNCH_GROUP=8 KILL=3 ACKNOWLEDGED=4 MESSAGE=5 ERROR=6 "
		"SHUTDOWN=7 HEARTBEAT=9"},
	{EXE(call__type), "mesos.v1.executor.Call.Type", "UNKNOWN=0 SUBSCRIBE=1 UPDATE=2 MESSAGE=3 HEARTBEAT=4"},
};

static ProtobufCType type_of(char c)
{
	switch (c) {
	case 'S': return PROTOBUF_C_TYPE_STRING;
	case 'Y': return PROTOBUF_C_TYPE_BYTES;
	case 'B': return PROTOBUF_C_TYPE_BOOL;
	case 'D': return PROTOBUF_C_TYPE_DOUBLE;
	case 'I': return PROTOBUF_C_TYPE_INT32;
	case 'L': return PROTOBUF_C_TYPE_INT64;
	case 'U': return PROTOBUF_C_TYPE_UINT32;
	case 'Q': return PROTOBUF_C_TYPE_UINT64;
	case 'E': return PROTOBUF_C_TYPE_ENUM;
	case 'M': return PROTOBUF_C_TYPE_MESSAGE;
	}
	fprintf(stderr, "bad type letter %c in the spec table\n", c);
	abort();
}

static ProtobufCLabel label_of(char c)
{
	switch (c) {
	case '!': return PROTOBUF_C_LABEL_REQUIRED;
	case '?': return PROTOBUF_C_LABEL_OPTIONAL;
	case '*': return PROTOBUF_C_LABEL_REPEATED;
	}
	fprintf(stderr, "bad label %c in the spec table\n", c);
	abort();
}

/* Checks one "name=NUMBER<label><type>[+][:type]" token; on a mismatch
 * prints why and returns false. */
static bool field_matches(const ProtobufCMessageDescriptor *d, const char *tok, size_t len)
{
	char buf[160], name[80];
	if (len >= sizeof buf)
		abort();
	memcpy(buf, tok, len);
	buf[len] = 0;
	char *eq = strchr(buf, '=');
	if (!eq || (size_t)(eq - buf) >= sizeof name)
		abort();
	memcpy(name, buf, (size_t)(eq - buf));
	name[eq - buf] = 0;
	char *p;
	unsigned long id = strtoul(eq + 1, &p, 10);
	ProtobufCLabel label = label_of(p[0]);
	ProtobufCType type = type_of(p[1]);
	p += 2;
	bool has_default = *p == '+';
	if (has_default)
		p++;
	const char *tname = *p == ':' ? p + 1 : NULL;

	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
	if (!f) {
		note("  %s: no field %s", d->name, name);
		return false;
	}
	bool good = true;
	if (f->id != id) {
		note("  %s.%s: number %u, upstream %lu", d->name, name, f->id, id);
		good = false;
	}
	if (f->label != label) {
		note("  %s.%s: label %d, upstream %d", d->name, name, (int)f->label, (int)label);
		good = false;
	}
	if (f->type != type) {
		note("  %s.%s: type %d, upstream %d", d->name, name, (int)f->type, (int)type);
		good = false;
	}
	if ((f->default_value != NULL) != has_default) {
		note("  %s.%s: default %s, upstream %s", d->name, name,
		     f->default_value ? "set" : "none", has_default ? "set" : "none");
		good = false;
	}
	if (tname) {
		const char *got = type == PROTOBUF_C_TYPE_MESSAGE ?
			((const ProtobufCMessageDescriptor *)f->descriptor)->name :
			((const ProtobufCEnumDescriptor *)f->descriptor)->name;
		if (strcmp(got, tname) != 0) {
			note("  %s.%s: type %s, upstream %s", d->name, name, got, tname);
			good = false;
		}
	}
	return good;
}

static void test_messages(void)
{
	size_t total = 0;
	for (size_t i = 0; i < sizeof MSGS / sizeof MSGS[0]; i++) {
		const struct msg_spec *m = &MSGS[i];
		bool good = strcmp(m->d->name, m->name) == 0;
		if (!good)
			note("  descriptor is %s", m->d->name);
		unsigned n = 0;
		for (const char *t = m->fields; *t;) {
			size_t len = strcspn(t, " ");
			good &= field_matches(m->d, t, len);
			n++;
			t += len;
			t += strspn(t, " ");
		}
		if (n != m->d->n_fields) {
			note("  %s has %u fields, the table lists %u", m->name, m->d->n_fields, n);
			good = false;
		}
		total += n;
		ok(good, "%s: every field as upstream (%u)", m->name, n);
	}
	note("%zu fields in %zu messages checked", total, sizeof MSGS / sizeof MSGS[0]);
}

static void test_enums(void)
{
	for (size_t i = 0; i < sizeof ENUMS / sizeof ENUMS[0]; i++) {
		const struct enum_spec *e = &ENUMS[i];
		bool good = strcmp(e->d->name, e->name) == 0;
		unsigned n = 0;
		for (const char *t = e->values; *t;) {
			size_t len = strcspn(t, " ");
			char buf[80];
			if (len >= sizeof buf)
				abort();
			memcpy(buf, t, len);
			buf[len] = 0;
			char *eq = strchr(buf, '=');
			*eq = 0;
			int want = atoi(eq + 1);
			const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(e->d, buf);
			if (!v || v->value != want) {
				note("  %s.%s: %s, upstream %d", e->name, buf, v ? "wrong number" : "missing", want);
				good = false;
			}
			n++;
			t += len;
			t += strspn(t, " ");
		}
		if (n != e->d->n_values) {
			note("  %s has %u values, the table lists %u", e->name, e->d->n_values, n);
			good = false;
		}
		ok(good, "%s: every value as upstream (%u)", e->name, n);
	}
}

static void test_defaults(void)
{
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__MasterInfo mi = MESOS__V1__MASTER_INFO__INIT;
	Mesos__V1__AgentInfo ai = MESOS__V1__AGENT_INFO__INIT;
	Mesos__V1__Resource r = MESOS__V1__RESOURCE__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__CommandInfo__URI uri = MESOS__V1__COMMAND_INFO__URI__INIT;
	Mesos__V1__Filters f = MESOS__V1__FILTERS__INIT;
	Mesos__V1__Environment__Variable var = MESOS__V1__ENVIRONMENT__VARIABLE__INIT;
	Mesos__V1__HealthCheck hc = MESOS__V1__HEALTH_CHECK__INIT;
	Mesos__V1__HealthCheck__HTTPCheckInfo http = MESOS__V1__HEALTH_CHECK__HTTPCHECK_INFO__INIT;
	Mesos__V1__HealthCheck__TCPCheckInfo tcp = MESOS__V1__HEALTH_CHECK__TCPCHECK_INFO__INIT;
	Mesos__V1__NetworkInfo__IPAddress ip = MESOS__V1__NETWORK_INFO__IPADDRESS__INIT;
	ok(fi.failover_timeout == 0.0 && fi.checkpoint == 0 && strcmp(fi.role, "*") == 0,
	   "FrameworkInfo defaults: failover_timeout 0, checkpoint false, role \"*\"");
	ok(mi.port == 5050 && ai.port == 5051, "MasterInfo.port 5050, AgentInfo.port 5051");
	is_str(r.role, "*", "Resource.role default \"*\"");
	ok(cmd.shell == 1 && uri.extract == 1, "CommandInfo.shell and URI.extract default true");
	ok(f.refuse_seconds == 5.0, "Filters.refuse_seconds default 5");
	ok(var.type == MESOS__V1__ENVIRONMENT__VARIABLE__TYPE__VALUE, "Variable.type default VALUE");
	ok(hc.delay_seconds == 15.0 && hc.interval_seconds == 10.0 && hc.timeout_seconds == 20.0 &&
	   hc.consecutive_failures == 3 && hc.grace_period_seconds == 10.0,
	   "HealthCheck defaults 15/10/20/3/10");
	ok(http.protocol == MESOS__V1__NETWORK_INFO__PROTOCOL__IPv4 &&
	   tcp.protocol == MESOS__V1__NETWORK_INFO__PROTOCOL__IPv4 &&
	   ip.protocol == MESOS__V1__NETWORK_INFO__PROTOCOL__IPv4, "protocol defaults IPv4");
}

/* ---- protobuf-c traps (PROTOCOLS.md section J) -------------------------- */

static void test_traps(void)
{
	uint8_t buf[512];
	size_t n;

	/* has_type = 0: type is not sent. */
	Mesos__V1__Scheduler__Call__Reconcile rec = MESOS__V1__SCHEDULER__CALL__RECONCILE__INIT;
	Mesos__V1__Scheduler__Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE;
	c.reconcile = &rec;
	n = mesos__v1__scheduler__call__pack(&c, buf);
	ok(n == 2 && buf[0] == 0x4a && buf[1] == 0x00, "type with has_type=0 is not sent");
	c.has_type = 1;
	n = mesos__v1__scheduler__call__pack(&c, buf);
	ok(n == 4 && buf[0] == 0x10 && buf[1] == 0x09, "type with has_type=1 is sent");

	/* FrameworkInfo.role: the default pointer is not sent, a "*" literal is. */
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	fi.user = "u";
	fi.name = "n";
	size_t n_default = mesos__v1__framework_info__pack(&fi, buf);
	ok(n_default == 6, "role left at its default is not sent (6 bytes)");
	is_str(fi.role, "*", "the default role reads as \"*\"");
	fi.role = "*";
	n = mesos__v1__framework_info__pack(&fi, buf);
	ok(n == n_default + 3 && buf[n - 3] == 0x32 && buf[n - 1] == '*',
	   "role = \"*\" literal is sent (+3 bytes, tag 0x32)");

	/* shell and extract default to true: false needs has_X. */
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	cmd.value = "x";
	cmd.shell = 0;
	n = mesos__v1__command_info__pack(&cmd, buf);
	ok(n == 3, "shell=0 without has_shell is not sent");
	cmd.has_shell = 1;
	n = mesos__v1__command_info__pack(&cmd, buf);
	ok(n == 5 && buf[3] == 0x30 && buf[4] == 0x00, "shell=0 with has_shell is sent");
	Mesos__V1__CommandInfo__URI uri = MESOS__V1__COMMAND_INFO__URI__INIT;
	ok(uri.extract == 1 && !uri.has_extract, "URI.extract defaults to true, unset");
	uri.value = "u";
	uri.extract = 0;
	n = protobuf_c_message_pack(&uri.base, buf);
	ok(n == 3, "extract=0 without has_extract is not sent");
	Mesos__V1__Filters f = MESOS__V1__FILTERS__INIT;
	ok(f.refuse_seconds == 5.0 && !f.has_refuse_seconds &&
	   mesos__v1__filters__get_packed_size(&f) == 0, "Filters default 5 s, not sent");

	/* Enum defaults are the first declared value, not 0. */
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	ok(st.state == MESOS__V1__TASK_STATE__TASK_STAGING &&
	   st.source == MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER &&
	   st.reason == MESOS__V1__TASK_STATUS__REASON__REASON_COMMAND_EXECUTOR_FAILED,
	   "TaskStatus INIT: state STAGING, source MASTER, reason 0");

	/* A required string left NULL fails the check and packs as "". */
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	ok(!protobuf_c_message_check(&tid.base), "required string NULL fails protobuf_c_message_check");
	n = mesos__v1__task_id__pack(&tid, buf);
	ok(n == 2 && buf[0] == 0x0a && buf[1] == 0x00, "required NULL string is packed as \"\"");

	/* Unpack fails when a required field is missing deep inside. */
	struct pb st_bad = {0}, up = {0}, ev = {0};
	pb_id(&st_bad, 1, "t-1");          /* no state (2) */
	pb_msg(&up, 1, &st_bad);
	pb_uint(&ev, 1, 4);
	pb_msg(&ev, 5, &up);
	Mesos__V1__Scheduler__Event *e = mesos__v1__scheduler__event__unpack(NULL, ev.n, ev.d);
	ok(e == NULL, "event whose TaskStatus lacks state fails to unpack");
	if (e)
		mesos__v1__scheduler__event__free_unpacked(e, NULL);

	/* Unknown enum values are kept as raw numbers. */
	ev = (struct pb){0};
	pb_uint(&ev, 1, 99);
	e = mesos__v1__scheduler__event__unpack(NULL, ev.n, ev.d);
	ok(e && e->has_type && (int)e->type == 99, "unknown event type 99 is kept");
	if (e)
		mesos__v1__scheduler__event__free_unpacked(e, NULL);

	/* Unknown fields survive a round trip (fields we left out). */
	ev = (struct pb){0};
	pb_uint(&ev, 1, 8);
	pb_str(&ev, 50, "future");
	e = mesos__v1__scheduler__event__unpack(NULL, ev.n, ev.d);
	ok(e != NULL, "event with an unknown field decodes");
	if (e) {
		repack_is(&e->base, &ev, "unknown field");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	/* Truncated input is an error, not a crash. */
	struct pb offer = {0}, offers = {0};
	w_offer(&offer);
	pb_msg(&offers, 1, &offer);
	ev = (struct pb){0};
	pb_uint(&ev, 1, 2);
	pb_msg(&ev, 3, &offers);
	size_t bad = 0;
	for (size_t cut = 1; cut < ev.n; cut++) {
		e = mesos__v1__scheduler__event__unpack(NULL, cut, ev.d);
		if (e) {
			bad++;
			mesos__v1__scheduler__event__free_unpacked(e, NULL);
		}
	}
	/* Only the cut right after the type field (2 bytes) is a valid
	 * message; every cut inside the offers field must be rejected. */
	is_int(bad, 1, "truncated OFFERS events are rejected (only the 2-byte prefix decodes)");
}
int main(void)
{
	test_messages();
	test_enums();
	test_defaults();
	test_traps();
	return done_testing();
}
