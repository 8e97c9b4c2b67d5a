export * from './abilities';
export * from './auth';
export * from './config';
export * from './conventions';
export * from './include';
export * from './pagination';
export * from './rate-limit';
export * from './references';
