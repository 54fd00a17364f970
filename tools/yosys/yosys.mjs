// Runs Yosys 0.55 (YoWASP) on the project's RTL.
//   node tools/yosys/yosys.mjs RTL_DIR "yosys script" [FILE...]
// Every .sv file of RTL_DIR is read (read_verilog -sv; packages, *_pkg.sv,
// first), then the script runs. Each FILE (such as a techmap file the script
// names) is given to Yosys under its base name.
// Exit status: Yosys's.
import { runYosys } from '@yowasp/yosys';
import fs from 'fs';

const [dir, script, ...extra] = process.argv.slice(2);
if (!dir || !script) {
  console.error('usage: node yosys.mjs RTL_DIR "SCRIPT"');
  process.exit(2);
}
const files = {};
for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.sv')) files[f] = fs.readFileSync(`${dir}/${f}`, 'utf8');
const names = Object.keys(files)
  .sort((a, b) => (b.endsWith('_pkg.sv') ? 1 : 0) - (a.endsWith('_pkg.sv') ? 1 : 0) || a.localeCompare(b))
  .join(' ');
for (const f of extra) files[f.split('/').pop()] = fs.readFileSync(f, 'utf8');
try {
  await runYosys(['-p', `read_verilog -sv ${names}; ${script}`], files, {
    stdout: (d) => { if (d) process.stdout.write(d); },
    stderr: (d) => { if (d) process.stderr.write(d); },
  });
} catch (e) {
  // Yosys's own errors are in its output already; anything else (such as the
  // WebAssembly build running out of its 4 GiB of memory) is said here.
  console.error(`yosys.mjs: ${e && e.message ? e.message : e}`);
  process.exit(typeof e.code === 'number' ? e.code : 1);
}
