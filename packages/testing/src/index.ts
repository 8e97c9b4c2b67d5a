export * from './backends';
export * from './bus';
export * from './metrics';
export * from './wait-for';
