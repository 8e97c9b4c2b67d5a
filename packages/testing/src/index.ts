export * from './backends';
export * from './bus';
export * from './catalog';
export * from './metrics';
export * from './ports';
export * from './rejection';
export * from './wait-for';
