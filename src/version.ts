/** evalbench's version (package.json's; a test keeps the two equal). Part of every plan fingerprint. */
export const EVALBENCH_VERSION = '0.1.0';
