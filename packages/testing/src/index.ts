export * from './backends';
export * from './bus';
export * from './wait-for';
