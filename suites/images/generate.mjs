#!/usr/bin/env node
/**
 * Draws the small test images of suites/vision.yaml and writes them as PNG files beside this
 * script: `node suites/images/generate.mjs`. No dependencies (node:zlib compresses, the PNG
 * container is written by hand), and flat colours with hard edges, so each file stays well
 * under 5 KB and the pictures have one unambiguous answer.
 *
 * The drawings are plain data (`drawImages()`), so a test can check the committed files still
 * hold exactly these pixels.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const SIZE = 256;

export const COLOURS = {
  white: [255, 255, 255],
  black: [20, 20, 20],
  red: [220, 30, 30],
  green: [30, 160, 60],
  blue: [30, 80, 220],
  yellow: [250, 215, 0],
  orange: [250, 130, 0],
  purple: [130, 50, 170],
  grey: [200, 200, 200],
};

/** A canvas of RGB pixels with the few shapes the images need (no anti-aliasing). */
class Canvas {
  constructor(width, height, background = COLOURS.white) {
    this.width = width;
    this.height = height;
    this.rgb = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  set(x, y, [r, g, b]) {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.rgb[i] = r;
    this.rgb[i + 1] = g;
    this.rgb[i + 2] = b;
  }

  rect(x, y, w, h, colour) {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.set(i, j, colour);
    return this;
  }

  disc(cx, cy, radius, colour) {
    for (let j = cy - radius; j <= cy + radius; j++) {
      for (let i = cx - radius; i <= cx + radius; i++) {
        if ((i - cx) ** 2 + (j - cy) ** 2 <= radius * radius) this.set(i, j, colour);
      }
    }
    return this;
  }

  /** Filled triangle (barycentric test over its bounding box). */
  triangle(a, b, c, colour) {
    const [minX, maxX] = [Math.min(a[0], b[0], c[0]), Math.max(a[0], b[0], c[0])];
    const [minY, maxY] = [Math.min(a[1], b[1], c[1]), Math.max(a[1], b[1], c[1])];
    const edge = (p, q, x, y) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
    for (let y = minY; y <= maxY; y++) {
      for (let x = minX; x <= maxX; x++) {
        const e1 = edge(a, b, x, y), e2 = edge(b, c, x, y), e3 = edge(c, a, x, y);
        if ((e1 >= 0 && e2 >= 0 && e3 >= 0) || (e1 <= 0 && e2 <= 0 && e3 <= 0)) this.set(x, y, colour);
      }
    }
    return this;
  }

  /** Text in the 5x7 block font below, each font pixel drawn as a `scale` x `scale` square. */
  text(str, x, y, scale, colour) {
    let cx = x;
    for (const ch of str) {
      const glyph = FONT[ch];
      if (!glyph) throw new Error(`no glyph for ${JSON.stringify(ch)}`);
      glyph.forEach((row, j) => {
        for (let i = 0; i < row.length; i++) if (row[i] === '#') this.rect(cx + i * scale, y + j * scale, scale, scale, colour);
      });
      cx += 6 * scale; // 5 columns + 1 column of space
    }
    return this;
  }

  /** Text centred on the canvas. */
  centredText(str, scale, colour) {
    const w = (6 * str.length - 1) * scale;
    const h = 7 * scale;
    return this.text(str, Math.round((this.width - w) / 2), Math.round((this.height - h) / 2), scale, colour);
  }
}

/** 5x7 block glyphs: the digits and the few letters the images use. */
const FONT = {
  0: ['.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  1: ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  2: ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  3: ['####.', '....#', '....#', '.###.', '....#', '....#', '####.'],
  4: ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  5: ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  6: ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  7: ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  8: ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  9: ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  C: ['.###.', '#...#', '#....', '#....', '#....', '#...#', '.###.'],
  A: ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  S: ['.####', '#....', '#....', '.###.', '....#', '....#', '####.'],
  O: ['.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  P: ['####.', '#...#', '#...#', '####.', '#....', '#....', '#....'],
  '+': ['.....', '..#..', '..#..', '#####', '..#..', '..#..', '.....'],
  '=': ['.....', '.....', '#####', '.....', '#####', '.....', '.....'],
};

const { white, black, red, green, blue, yellow, orange, purple, grey } = COLOURS;
const canvas = (bg) => new Canvas(SIZE, SIZE, bg);

/**
 * Every image by file name. What each shows is what vision.yaml asks about: keep the two in step
 * (the comment after each entry is the expected answer).
 */
export function drawImages() {
  return {
    'solid-red.png': canvas(red), // colour: red
    'solid-green.png': canvas(green), // colour: green
    'solid-blue.png': canvas(blue), // colour: blue
    'solid-yellow.png': canvas(yellow), // colour: yellow
    'circle-red.png': canvas(white).disc(128, 128, 80, red), // shape: circle; colour: red
    'square-blue.png': canvas(white).rect(58, 58, 140, 140, blue), // shape: square
    'triangle-green.png': canvas(white).triangle([128, 40], [40, 210], [216, 210], green), // shape: triangle
    'dots-3.png': dots([[60, 70], [190, 90], [120, 190]]), // count: 3
    'dots-5.png': dots([[50, 50], [200, 60], [128, 128], [60, 200], [190, 195]]), // count: 5
    'dots-8.png': dots([[40, 40], [128, 36], [216, 44], [44, 128], [212, 124], [40, 214], [130, 218], [214, 210]]), // count: 8
    'digit-7.png': canvas(white).centredText('7', 22, black), // digit: 7
    'number-42.png': canvas(white).centredText('42', 18, black), // number: 42
    'number-305.png': canvas(white).centredText('305', 12, black), // number: 305
    'sum-3-plus-4.png': canvas(white).centredText('3+4=', 9, black), // arithmetic: 7
    'word-cat.png': canvas(white).centredText('CAT', 12, blue), // word: CAT
    'word-stop.png': canvas(red).centredText('STOP', 10, white), // word: STOP (white on red)
    'bar-chart.png': barChart(), // tallest bar: green (second); bars: 4
    'split-red-blue.png': canvas(red).rect(SIZE / 2, 0, SIZE / 2, SIZE, blue), // left red, right blue
    'stripes-horizontal.png': stripes('horizontal'), // horizontal stripes
    'stripes-vertical.png': stripes('vertical'), // vertical stripes
    'dot-top-right.png': canvas(white).disc(206, 50, 28, black), // position: top right
    'checkerboard-4x4.png': checkerboard(4), // 16 squares, 8 black
    'arrow-left.png': arrow(), // direction: left
    'shapes-2-circles-3-squares.png': mixedShapes(), // circles: 2, squares: 3
    'traffic-light.png': trafficLight(), // lit lamp: green (bottom)
  };
}

function dots(centres) {
  const c = canvas(white);
  for (const [x, y] of centres) c.disc(x, y, 18, black);
  return c;
}

function barChart() {
  const c = canvas(white);
  c.rect(20, 230, 216, 4, black); // baseline
  const bars = [[red, 90], [green, 190], [blue, 60], [orange, 130]];
  bars.forEach(([colour, h], i) => c.rect(32 + i * 52, 230 - h, 40, h, colour));
  return c;
}

function stripes(direction) {
  const c = canvas(white);
  for (let k = 0; k < 8; k += 2) {
    if (direction === 'horizontal') c.rect(0, k * 32, SIZE, 32, black);
    else c.rect(k * 32, 0, 32, SIZE, black);
  }
  return c;
}

function checkerboard(n) {
  const c = canvas(white);
  const cell = SIZE / n;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if ((i + j) % 2 === 0) c.rect(i * cell, j * cell, cell, cell, black);
  return c;
}

function arrow() {
  const c = canvas(white);
  c.rect(100, 108, 126, 40, purple); // shaft on the right
  c.triangle([30, 128], [110, 58], [110, 198], purple); // head on the left
  return c;
}

function mixedShapes() {
  const c = canvas(white);
  c.disc(60, 64, 34, red);
  c.disc(180, 190, 34, red);
  c.rect(150, 30, 64, 64, blue);
  c.rect(28, 160, 64, 64, blue);
  c.rect(104, 104, 48, 48, blue);
  return c;
}

function trafficLight() {
  const c = canvas(white);
  c.rect(88, 16, 80, 224, black);
  c.disc(128, 60, 28, grey); // red lamp, off
  c.disc(128, 128, 28, grey); // amber lamp, off
  c.disc(128, 196, 28, green); // green lamp, lit
  return c;
}

// --- PNG encoding: signature, IHDR, one IDAT, IEND; 8-bit RGB, filter 0 on every row ---------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The scanlines as PNG stores them before compression: a filter byte (0) then the row's pixels. */
export function scanlines({ width, height, rgb }) {
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const at = y * (1 + width * 3);
    raw[at] = 0;
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, at + 1);
  }
  return raw;
}

export function encodePng(image) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(scanlines(image), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = dirname(fileURLToPath(import.meta.url));
  for (const [name, image] of Object.entries(drawImages())) {
    const png = encodePng(image);
    writeFileSync(join(dir, name), png);
    console.log(`${name.padEnd(34)} ${String(png.length).padStart(5)} bytes`);
  }
}
