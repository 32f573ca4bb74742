/** Types for generate.mjs (imported by test/suites/suites.test.ts). */
export interface DrawnImage {
  width: number;
  height: number;
  /** width x height x 3 bytes, rows top to bottom. */
  rgb: Uint8Array;
}
export const SIZE: number;
export const COLOURS: Record<string, [number, number, number]>;
export function drawImages(): Record<string, DrawnImage>;
export function scanlines(image: DrawnImage): Buffer;
export function encodePng(image: DrawnImage): Buffer;
