// A service answered in a shape this connector was not built for: its schema or its
// metadata differ from what the code expects. Not a conversation's fault, and not
// transient: the tenant's work is held (never failed) until the contract is right.

/** Why a tenant's work is held because of a contract surprise. */
export type ContractProblem = "iadvize_schema_mismatch" | "salesforce_package_missing";

export class ContractError extends Error {
  override name = "ContractError";
  readonly problem: ContractProblem;
  /** What is missing or different, as `Type.field` / `Object.Field__c`: names only, never values. */
  readonly paths: readonly string[];

  constructor(problem: ContractProblem, paths: readonly string[], message: string) {
    super(message);
    this.problem = problem;
    this.paths = [...new Set(paths)].sort();
  }
}
