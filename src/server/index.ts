export { SwitchyardServer, type ServerOptions } from './server.js';
