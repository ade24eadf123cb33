/** Who is asking, as a channel vouches for it: look-ups decide from this what may be shown. */
export const ROLES = ['consumer', 'merchant', 'agent', 'operator'] as const;
export type Role = (typeof ROLES)[number];
