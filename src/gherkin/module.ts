/**
 * The parts of a generated module (generated/<set>/index.ts) the steps call. Typed loosely:
 * every set has its own literal types, the steps work with any set.
 */
interface GeneratedSubject {
  can(permission: number, scope?: number, targetIsSelf?: boolean): boolean;
  canUse(collection: string, entry: string): boolean;
}

export interface GeneratedModule {
  readonly Permission: Readonly<Record<string, number>>;
  readonly Role: Readonly<Record<string, number>>;
  readonly Scope: Readonly<Record<string, number>>;
  can(role: number, permission: number, scope?: number, targetIsSelf?: boolean): boolean;
  canUse(role: number, collection: string, entry: string): boolean;
  subject(roles: readonly number[]): GeneratedSubject;
  check(roles: string | readonly string[], permission: string, scope?: string, targetIsSelf?: boolean): boolean;
  roleNo(id: string): number | undefined;
  permissionNo(id: string): number | undefined;
  transferTarget(id: string): string | undefined;
  readonly policySet: {
    readonly name: string;
    readonly version: string;
    readonly hash: string;
    readonly defaultRole: string | null;
    readonly ownerRole: string | null;
  };
  readonly roles: readonly {
    readonly id: string;
    readonly no: number;
    readonly title: string;
    readonly description: string | null;
  }[];
  readonly users: readonly { readonly id: string; readonly roles: readonly string[]; readonly defaulted: boolean }[];
  readonly transfers: readonly { readonly from: string; readonly to: string; readonly reason: string | null }[];
}
