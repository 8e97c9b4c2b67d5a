export { timestampDate, timestampFromDate, timestampNow } from '@bufbuild/protobuf/wkt';
export * from './accepted-event-codec';
export * from './gen/klaxon/v1/catalog_pb';
export * from './gen/klaxon/v1/escalation_pb';
export * from './gen/klaxon/v1/events_pb';
export * from './gen/klaxon/v1/incidents_pb';
export * from './gen/klaxon/v1/notifications_pb';
export * from './topics';
