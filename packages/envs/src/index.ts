export type { EnvRegistration } from "./registration.js";
