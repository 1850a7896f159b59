import type { Command } from 'commander';
import { catalogDocument } from '../../metrics/index.js';

export function catalogCommand(program: Command): void {
  program
    .command('catalog')
    .description('list the KPIs and dimensions 列出指标与维度')
    .option('--format <format>', 'table or json', 'table')
    .action((opts) => {
      const doc = catalogDocument();
      if (opts.format === 'json') return console.log(JSON.stringify(doc, null, 2));
      console.log('Metrics 指标');
      for (const m of doc.metrics)
        console.log(`  ${m.id.padEnd(24)} ${m.label.zh} / ${m.label.en}  [${m.unit}]  — ${m.description.zh}`);
      console.log('\nDimensions 维度');
      for (const d of doc.dimensions) console.log(`  ${d.id.padEnd(24)} ${d.label.zh} / ${d.label.en}`);
      console.log(`\nCompare 对比: ${doc.compare.join(', ')}`);
    });
}
