export { type SandboxTrade, SCENARIOS, type Scenario, seed } from './data.js';
export { type KeyMaterial, type SandboxKeys, sandboxKeys } from './keys.js';
export { SANDBOX_APP_ID, Sandbox, type SandboxFaults, type SandboxOptions } from './server.js';
