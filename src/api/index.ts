export { type HttpRoute, type RunningServer, type StartServerOptions, startServer } from './server.js';
