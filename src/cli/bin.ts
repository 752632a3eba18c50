#!/usr/bin/env node
/** The `pvlab` executable: run the CLI and exit with its status. */
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';
import { quietOnClosedPipe } from './pipe.js';
import { tuneV8 } from '../util/v8-tuning.js';

tuneV8();
quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
process.exitCode = await main(hideBin(process.argv));
