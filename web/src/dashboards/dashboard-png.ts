import * as echarts from 'echarts/core';

const WIDTH = 720;
const GAP = 16;
const TITLE = 36;

/** Text lines of a tile without a chart (KPI cards, a table), for the picture. */
function linesOf(tile: HTMLElement): string[] {
  const kpis = [...tile.querySelectorAll('.kpi')].map((k) =>
    [...k.querySelectorAll('h3, .kpi-value, .kpi-change')].map((e) => e.textContent?.trim() ?? '').join('  '),
  );
  if (kpis.length) return kpis;
  return [...tile.querySelectorAll('tr')]
    .slice(0, 12)
    .map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '').join('   '));
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = url;
  });
}

/**
 * The dashboard as one PNG: its name, then each tile — its title and its chart as ECharts draws it (or its
 * figures as text) — two to a row, in the dashboard's order.
 */
export async function dashboardPng(root: HTMLElement, name: string): Promise<Blob> {
  const tiles = [...root.querySelectorAll<HTMLElement>('section.tile')];
  const parts = await Promise.all(
    tiles.map(async (tile) => {
      const title = tile.querySelector('h2')?.textContent ?? '';
      const box = tile.querySelector<HTMLElement>('[_echarts_instance_]');
      const chart = box ? echarts.getInstanceByDom(box) : undefined;
      const image = chart
        ? await loadImage(chart.getDataURL({ type: 'png', pixelRatio: 1, backgroundColor: '#ffffff' }))
        : null;
      const lines = image ? [] : linesOf(tile);
      const height =
        TITLE + (image ? (image.height * WIDTH) / Math.max(1, image.width) : lines.length * 26 + 12);
      return { title, image, lines, height };
    }),
  );
  const rows: (typeof parts)[] = [];
  for (let i = 0; i < parts.length; i += 2) rows.push(parts.slice(i, i + 2));
  const rowHeights = rows.map((row) => Math.max(...row.map((p) => p.height)));
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH * 2 + GAP * 3;
  canvas.height = 60 + rowHeights.reduce((a, h) => a + h + GAP, GAP);
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = '#f4f5f7';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#1f2d3d';
  g.font = '600 24px "Noto Sans CJK SC", sans-serif';
  g.fillText(name, GAP, 40);
  let y = 60;
  rows.forEach((row, r) => {
    row.forEach((part, c) => {
      const x = GAP + c * (WIDTH + GAP);
      g.fillStyle = '#ffffff';
      g.fillRect(x, y, WIDTH, rowHeights[r] as number);
      g.fillStyle = '#6b7785';
      g.font = '600 16px "Noto Sans CJK SC", sans-serif';
      g.fillText(part.title, x + 12, y + 24);
      if (part.image) g.drawImage(part.image, x, y + TITLE, WIDTH, part.height - TITLE);
      g.fillStyle = '#1f2d3d';
      g.font = '15px "Noto Sans CJK SC", sans-serif';
      for (const [k, line] of part.lines.entries())
        g.fillText(line, x + 12, y + TITLE + 20 + k * 26, WIDTH - 24);
    });
    y += (rowHeights[r] as number) + GAP;
  });
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png'),
  );
}
