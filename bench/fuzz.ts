// The codec fuzz run at scale: 1,000,000 random and mutated inputs (the test runs 100,000) through the STB
// parser, the command decoder and the DATA reader; any untyped error or changed re-encoding aborts it.
// `npm run bench:fuzz [N]`; figures in bench/README.md.
import { FUZZ_SEED, runFuzz } from '../test/helpers/codec-fuzz';

const n = Number(process.argv[2] ?? 1_000_000);
const started = process.hrtime.bigint();
const tally = runFuzz(n);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`codec fuzz: ${n.toLocaleString('en')} inputs, seed 0x${FUZZ_SEED.toString(16)}, Node ${process.version}`);
console.log(`${tally.ok.toLocaleString('en')} decoded (and re-encoded to the same command), ${tally.error.toLocaleString('en')} typed decode errors, 0 untyped errors, ${seconds.toFixed(1)} s`);
