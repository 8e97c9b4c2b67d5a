export * from './catalog-replica';
export * from './clock';
export * from './config';
export * from './infrastructure';
export * from './pipeline-metrics';
export * from './relay';
export * from './run-service';
export * from './service-context';
