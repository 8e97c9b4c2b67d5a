export * from './group-partitions.table';
export * from './members.table';
export * from './messages.table';
export * from './partitions.table';
export * from './schema';
export * from './topics.table';
