import type { SuiteDocument } from './schema.ts';
import type { ReadImage } from './images.ts';

/**
 * A loaded, validated suite: the document with defaults applied, plus where it came from.
 * Image parts that named a local file carry a `data:` URL instead of the path.
 */
export interface Suite extends SuiteDocument {
  /** Absolute path of the suite file. */
  file: string;
  /** Absolute folder that relative paths in the suite were resolved against. */
  dir: string;
  /** Cases planned: inline cases plus dataset rows (after `sample`). Set by the loader. */
  caseCount?: number;
  /** Rows in each `cases` entry's dataset (undefined for inline cases). Set by the loader. */
  entryRows?: (number | undefined)[];
}

export interface ParseSuiteOptions {
  /** Folder for relative image paths; default: the folder of `file`. */
  dir?: string;
  /**
   * Check models of built-in providers against the models they document (`validate` does; a run
   * checks against the live GET /models list instead, which can know newer models).
   */
  checkDocumentedModels?: boolean;
  /** Reads image files (default: fs.readFileSync). Tests pass their own. */
  readImage?: ReadImage;
}
