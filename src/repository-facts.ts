/**
 * What GitHub says about a repository and steering keeps: the GitHub port returns these facts
 * (`RepositoryInfo`) and the repository registry stores them (`RepositoryRecord`), so both name
 * them the same way.
 */
export interface RepositoryFacts {
  id: number;
  owner: string;
  name: string;
  /** `owner/name` */
  fullName: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  topics: string[];
}
