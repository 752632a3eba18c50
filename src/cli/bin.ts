#!/usr/bin/env node
/** The `pvlab` executable: run the CLI and exit with its status. */
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

process.exitCode = await main(hideBin(process.argv));
