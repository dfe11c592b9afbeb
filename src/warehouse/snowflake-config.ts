import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { readSecret, type Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";

/** How the pipeline signs in: a key pair (the way), or a password where the account still allows one. */
export type SnowflakeCredential =
  | {
      kind: "key-pair";
      /** Already decrypted; a KeyObject prints as nothing in logs and JSON. */
      privateKey: KeyObject;
      /** The variable the key came from, for messages. */
      source: "SNOWFLAKE_PRIVATE_KEY" | "SNOWFLAKE_PRIVATE_KEY_PATH";
      /** `SHA256:…` of the public key, as `DESC USER` shows it in RSA_PUBLIC_KEY_FP: not a secret. */
      fingerprint: string;
    }
  | { kind: "password"; password: string };

export interface SnowflakeConfig {
  /** As the user wrote it: `orgname-accountname` or an account locator such as `xy12345.us-east-1`. */
  account: string;
  user: string;
  database: string;
  warehouse: string;
  /** Absent: the user's default role. */
  role?: string;
  /** Another host for the driver (SNOWFLAKE_ACCESS_URL): tests point it at a loopback fake. */
  accessUrl?: string;
  credential: SnowflakeCredential;
}

export const README_SECTION = 'docs/snowflake.md, "Run it on Snowflake"';

/**
 * The Snowflake connection from the environment, checked before any connection is made: every missing
 * variable is named at once, and a key that cannot be read or decrypted is a ConfigurationError naming
 * its variable. Secrets are read through `readSecret`, so Actions masks them.
 */
export function snowflakeConfig(
  env: Env,
  warn: (message: string) => void = (message) => console.warn(`warning: ${message}`),
): SnowflakeConfig {
  const account = env.SNOWFLAKE_ACCOUNT?.trim() || undefined;
  const user = env.SNOWFLAKE_USER?.trim() || undefined;
  const database = env.SNOWFLAKE_DATABASE?.trim() || undefined;
  const warehouse = env.SNOWFLAKE_WAREHOUSE?.trim() || undefined;
  const role = env.SNOWFLAKE_ROLE?.trim() || undefined;
  const keyText = readSecret(env, "SNOWFLAKE_PRIVATE_KEY");
  const keyPath = env.SNOWFLAKE_PRIVATE_KEY_PATH?.trim() || undefined;
  const passphrase = readSecret(env, "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE");
  const password = readSecret(env, "SNOWFLAKE_PASSWORD");

  const missing = missingSnowflakeSettings(env).map((setting) => setting.name);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `${list(missing)} ${missing.length > 1 ? "are" : "is"} not set: Snowflake needs the account, the user, ` +
        "the database, the warehouse and a key pair (SNOWFLAKE_PRIVATE_KEY holding the PEM text, or " +
        "SNOWFLAKE_PRIVATE_KEY_PATH a file, with SNOWFLAKE_PRIVATE_KEY_PASSPHRASE when it is encrypted); " +
        `set them in the environment, .env or the repository's secrets and variables (${README_SECTION})`,
    );
  }
  checkAccount(account!);
  const accessUrl = env.SNOWFLAKE_ACCESS_URL?.trim() || undefined;
  if (accessUrl !== undefined) checkAccessUrl(accessUrl);

  let credential: SnowflakeCredential;
  if (keyText && keyPath) {
    throw new ConfigurationError(
      "SNOWFLAKE_PRIVATE_KEY and SNOWFLAKE_PRIVATE_KEY_PATH are both set: set one, the key's PEM text or the path of its file",
    );
  } else if (keyText) {
    credential = keyPair(maskLines(keyText), "SNOWFLAKE_PRIVATE_KEY", "SNOWFLAKE_PRIVATE_KEY", passphrase);
  } else if (keyPath) {
    let text: string;
    try {
      text = readFileSync(keyPath, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      throw new ConfigurationError(
        `SNOWFLAKE_PRIVATE_KEY_PATH ${keyPath} cannot be read (${code}): give the path of the PEM file ` +
          "that holds the private key (rsa_key.p8 in Snowflake's key-pair guide)",
      );
    }
    const label = `the file ${keyPath} (SNOWFLAKE_PRIVATE_KEY_PATH)`;
    credential = keyPair(maskLines(text), "SNOWFLAKE_PRIVATE_KEY_PATH", label, passphrase);
  } else {
    warn(
      "SNOWFLAKE_PASSWORD signs in with a password alone. Snowflake finished enforcing its block on " +
        "single-factor password sign-in in October 2026, so this works only where the account still allows it. " +
        "Set up a key pair (SNOWFLAKE_PRIVATE_KEY) instead: see " +
        README_SECTION +
        ".",
    );
    credential = { kind: "password", password: password! };
  }
  return {
    account: account!,
    user: user!,
    database: database!,
    warehouse: warehouse!,
    ...(role === undefined ? {} : { role }),
    ...(accessUrl === undefined ? {} : { accessUrl }),
    credential,
  };
}

/** A setting the Snowflake connection needs, and what it is, for a message that lists every one missing. */
export interface MissingSetting {
  name: string;
  what: string;
}

/** The connection's settings the environment lacks, in the order a user sets them up. */
export function missingSnowflakeSettings(env: Env): MissingSetting[] {
  const set = (name: string) => Boolean(env[name]?.trim());
  const settings: Array<MissingSetting & { given: boolean }> = [
    {
      name: "SNOWFLAKE_ACCOUNT",
      what: "the account identifier, orgname-accountname (e.g. myorg-myaccount)",
      given: set("SNOWFLAKE_ACCOUNT"),
    },
    { name: "SNOWFLAKE_USER", what: "the user the pipeline signs in as", given: set("SNOWFLAKE_USER") },
    {
      name: "SNOWFLAKE_DATABASE",
      what: "the database that holds the pipeline's schemas",
      given: set("SNOWFLAKE_DATABASE"),
    },
    {
      name: "SNOWFLAKE_WAREHOUSE",
      what: "the virtual warehouse the queries and tasks run on",
      given: set("SNOWFLAKE_WAREHOUSE"),
    },
    {
      name: "SNOWFLAKE_PRIVATE_KEY (or SNOWFLAKE_PRIVATE_KEY_PATH)",
      what: "the key pair's private key: its PEM text (or the path of its file)",
      // Secrets are taken as given, spaces and all, as readSecret takes them.
      given:
        Boolean(env.SNOWFLAKE_PRIVATE_KEY || env.SNOWFLAKE_PASSWORD) || set("SNOWFLAKE_PRIVATE_KEY_PATH"),
    },
  ];
  return settings.filter((setting) => !setting.given).map(({ name, what }) => ({ name, what }));
}

// The driver's own rule (lib/util.js isCorrectSubdomain): words joined by single dots or hyphens.
const ACCOUNT_PATTERN = /^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$/;

function checkAccount(account: string): void {
  const example =
    "use the account identifier: orgname-accountname as Snowsight shows it (Admin > Accounts), " +
    "e.g. myorg-myaccount, or an account locator with its region, e.g. xy12345.us-east-1";
  if (/:\/\/|snowflakecomputing\./i.test(account)) {
    throw new ConfigurationError(
      `SNOWFLAKE_ACCOUNT ${JSON.stringify(account)} is a URL or host name, not an account identifier: ` +
        `${example} (for https://myorg-myaccount.snowflakecomputing.com, write myorg-myaccount)`,
    );
  }
  if (!ACCOUNT_PATTERN.test(account)) {
    throw new ConfigurationError(
      `SNOWFLAKE_ACCOUNT ${JSON.stringify(account)} is not an account identifier (letters, digits and _, ` +
        `joined by - or .): ${example}`,
    );
  }
}

function checkAccessUrl(accessUrl: string): void {
  let url: URL;
  try {
    url = new URL(accessUrl);
  } catch {
    throw new ConfigurationError(
      `SNOWFLAKE_ACCESS_URL ${JSON.stringify(accessUrl)} is not a URL: use e.g. https://myorg-myaccount.snowflakecomputing.com, ` +
        "or leave it unset to reach the account SNOWFLAKE_ACCOUNT names",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`SNOWFLAKE_ACCESS_URL ${accessUrl} must be an https:// (or http://) URL`);
  }
}

/**
 * GitHub secrets and some `.env` files hold a PEM on one line with literal `\n` sequences; the same
 * text with real line breaks is what OpenSSL reads. Each line is masked too: a runner that only masks
 * whole values would print a key's lines that show up on their own.
 */
function maskLines(text: string): string {
  // No backslash is ever part of a PEM, so every `\n` (and `\r`) written out is a line break.
  const pem = text.replaceAll("\\r", "").replaceAll("\\n", "\n");
  for (const line of pem.split(/\r?\n/)) {
    const body = line.trim();
    if (body.length >= 16 && !body.startsWith("-----")) readSecret({ line: body }, "line");
  }
  return pem.trim();
}

function keyPair(
  pem: string,
  source: "SNOWFLAKE_PRIVATE_KEY" | "SNOWFLAKE_PRIVATE_KEY_PATH",
  where: string,
  passphrase: string | undefined,
): SnowflakeCredential {
  if (!pem.startsWith("-----BEGIN ")) {
    throw new ConfigurationError(
      `${where} is not a PEM private key: it must start with -----BEGIN PRIVATE KEY----- or ` +
        "-----BEGIN ENCRYPTED PRIVATE KEY----- (the rsa_key.p8 that openssl genrsa | openssl pkcs8 writes), " +
        "line breaks included or written as \\n",
    );
  }
  const encrypted =
    /^-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && passphrase === undefined) {
    throw new ConfigurationError(
      `${where} is an encrypted private key: set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE to its passphrase`,
    );
  }
  let privateKey: KeyObject;
  try {
    // node:crypto wants a passphrase for an encrypted key even when it is given an empty one.
    privateKey = createPrivateKey({ key: pem, format: "pem", passphrase: passphrase ?? "" });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    // Node's messages name OpenSSL routines, never the key; still, say it in our words.
    if (encrypted) {
      throw new ConfigurationError(
        `SNOWFLAKE_PRIVATE_KEY_PASSPHRASE does not decrypt ${where} (${code || "bad decrypt"}): ` +
          "set the passphrase the key was encrypted with",
      );
    }
    throw new ConfigurationError(
      `${where} cannot be read as a private key (${code || "unreadable"}): give the PEM text of an RSA ` +
        "private key, complete from -----BEGIN to -----END",
    );
  }
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new ConfigurationError(
      `${where} is a ${privateKey.asymmetricKeyType ?? "non-RSA"} key: Snowflake's key-pair sign-in takes an RSA key ` +
        "(openssl genrsa 2048)",
    );
  }
  const fingerprint =
    "SHA256:" +
    createHash("sha256")
      .update(createPublicKey(privateKey).export({ format: "der", type: "spki" }))
      .digest("base64");
  return { kind: "key-pair", privateKey, source, fingerprint };
}

function list(names: string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
