// Resolves the secret references of process files ({"secret": "acme-password"}) to values, so passwords and
// passphrases never sit in the file. The extension resolves from VS Code SecretStorage; the CLI from
// environment variables, then (on a terminal) a prompt.
import { createInterface } from 'node:readline';
import type { SecretRef } from './model';

/** Gives the value of a named secret, or undefined when it is not known. */
export type SecretResolver = (name: string) => Promise<string | undefined>;

/** The environment variable that holds a secret for the CLI: OFTP2_SECRET_ + the name in upper case, other characters as _. */
export function secretEnvName(name: string): string {
  return `OFTP2_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function envSecretResolver(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return async (name) => env[secretEnvName(name)];
}

/** Asks on the terminal (input not echoed) for secrets the environment does not have. */
export function promptSecretResolver(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): SecretResolver {
  return (name) =>
    new Promise((resolve) => {
      if (!input.isTTY) return resolve(undefined);
      const rl = createInterface({ input, output, terminal: true });
      // Hide what is typed: the prompt is written once, keystrokes are not echoed.
      const write = (rl as unknown as { _writeToOutput?: (s: string) => void });
      output.write(`Secret "${name}" (${secretEnvName(name)} is not set): `);
      write._writeToOutput = () => undefined;
      rl.question('', (answer) => {
        rl.close();
        output.write('\n');
        resolve(answer);
      });
    });
}

/** Tries each resolver in turn. */
export function chainResolvers(...resolvers: SecretResolver[]): SecretResolver {
  return async (name) => {
    for (const r of resolvers) {
      const v = await r(name);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

export class MissingSecretError extends Error {
  constructor(readonly secret: string, readonly usedFor: string) {
    super(`secret "${secret}" (${usedFor}) is not available: set ${secretEnvName(secret)} or store it with "OFTP2: Set Secret"`);
  }
}

/** Resolves a reference that must exist. */
export async function requireSecret(resolver: SecretResolver, ref: SecretRef, usedFor: string): Promise<string> {
  const v = await resolver(ref.secret);
  if (v === undefined) throw new MissingSecretError(ref.secret, usedFor);
  return v;
}
