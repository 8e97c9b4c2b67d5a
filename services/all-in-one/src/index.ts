export { type AllInOneConfig, mountAll } from './mount';
