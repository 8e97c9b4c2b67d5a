export * from './app';
export * from './config';
export * from './error-handler';
export * from './errors';
export * from './logger';
export * from './metrics';
export * from './shutdown';
export * from './tls';
