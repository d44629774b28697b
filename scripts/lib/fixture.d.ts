// Types for scripts/lib/fixture.js.
export interface FixtureTask { id: string; title: string; body: string; family?: string; minutes: number; testCommand: string; keySteps?: string[] }
export declare const SUITE: string;
export declare function bin(minutes: number): 1 | 2 | 3 | 4 | 5;
export declare function suiteTasks(): { id: string; dir: string; task: FixtureTask }[];
export declare function pickTask(id?: string): { id: string; dir: string; task: FixtureTask } | undefined;
/** Temp copy of a suite task's repo/ (default: first bin-2 task), git-initialised with one commit. */
export declare function makeFixtureRepo(opts?: { taskId?: string; parent?: string }): { folder: string; task: FixtureTask; source: string };
