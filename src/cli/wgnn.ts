#!/usr/bin/env node
// The `wgnn` command: a table of subcommands.
// Exit codes: 0 done, 1 failed (one line on stderr), 2 bad usage (usage on stderr).
import { UsageError, type Command } from './command.ts';
import { infoCommand } from './info.ts';
import { runCommand } from './run.ts';

const COMMANDS: Record<string, Command> = {
  info: infoCommand,
  run: runCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const list = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: wgnn <command> [options]', '', 'commands:', ...list, '', "'wgnn <command> --help' shows a command's options."].join('\n');
}

/** The message on one line: the command's failure must fit one line of stderr. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`${name === undefined ? 'wgnn: no command given' : `wgnn: unknown command '${name}'`}\n${usage()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: ${command.usage}\n${command.summary}`);
    return 0;
  }
  try {
    await command.run(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`wgnn ${name}: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    console.error(`wgnn ${name}: ${oneLine(error)}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Dawn can keep Node's event loop alive after the work is done (the webgpu package's README):
// exit explicitly, once what was written to stdout has been flushed.
process.stdout.write('', () => process.exit(code));
