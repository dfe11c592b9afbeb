import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  readSecret
} from "./chunk-DPBKSJN6.js";
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/warehouse/snowflake-config.ts
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
var README_SECTION = 'docs/snowflake.md, "Run it on Snowflake"';
function snowflakeConfig(env, warn = (message) => console.warn(`warning: ${message}`)) {
  const account = env.SNOWFLAKE_ACCOUNT?.trim() || void 0;
  const user = env.SNOWFLAKE_USER?.trim() || void 0;
  const database = env.SNOWFLAKE_DATABASE?.trim() || void 0;
  const warehouse = env.SNOWFLAKE_WAREHOUSE?.trim() || void 0;
  const role = env.SNOWFLAKE_ROLE?.trim() || void 0;
  const keyText = readSecret(env, "SNOWFLAKE_PRIVATE_KEY");
  const keyPath = env.SNOWFLAKE_PRIVATE_KEY_PATH?.trim() || void 0;
  const passphrase = readSecret(env, "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE");
  const password = readSecret(env, "SNOWFLAKE_PASSWORD");
  const missing = missingSnowflakeSettings(env).map((setting) => setting.name);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `${list(missing)} ${missing.length > 1 ? "are" : "is"} not set: Snowflake needs the account, the user, the database, the warehouse and a key pair (SNOWFLAKE_PRIVATE_KEY holding the PEM text, or SNOWFLAKE_PRIVATE_KEY_PATH a file, with SNOWFLAKE_PRIVATE_KEY_PASSPHRASE when it is encrypted); set them in the environment, .env or the repository's secrets and variables (${README_SECTION})`
    );
  }
  checkAccount(account);
  const accessUrl = env.SNOWFLAKE_ACCESS_URL?.trim() || void 0;
  if (accessUrl !== void 0) checkAccessUrl(accessUrl);
  let credential;
  if (keyText && keyPath) {
    throw new ConfigurationError(
      "SNOWFLAKE_PRIVATE_KEY and SNOWFLAKE_PRIVATE_KEY_PATH are both set: set one, the key's PEM text or the path of its file"
    );
  } else if (keyText) {
    credential = keyPair(maskLines(keyText), "SNOWFLAKE_PRIVATE_KEY", "SNOWFLAKE_PRIVATE_KEY", passphrase);
  } else if (keyPath) {
    let text;
    try {
      text = readFileSync(keyPath, "utf8");
    } catch (error) {
      const code = error.code ?? "unreadable";
      throw new ConfigurationError(
        `SNOWFLAKE_PRIVATE_KEY_PATH ${keyPath} cannot be read (${code}): give the path of the PEM file that holds the private key (rsa_key.p8 in Snowflake's key-pair guide)`
      );
    }
    const label = `the file ${keyPath} (SNOWFLAKE_PRIVATE_KEY_PATH)`;
    credential = keyPair(maskLines(text), "SNOWFLAKE_PRIVATE_KEY_PATH", label, passphrase);
  } else {
    warn(
      "SNOWFLAKE_PASSWORD signs in with a password alone. Snowflake finished enforcing its block on single-factor password sign-in in October 2026, so this works only where the account still allows it. Set up a key pair (SNOWFLAKE_PRIVATE_KEY) instead: see " + README_SECTION + "."
    );
    credential = { kind: "password", password };
  }
  return {
    account,
    user,
    database,
    warehouse,
    ...role === void 0 ? {} : { role },
    ...accessUrl === void 0 ? {} : { accessUrl },
    credential
  };
}
function missingSnowflakeSettings(env) {
  const set = (name) => Boolean(env[name]?.trim());
  const settings = [
    {
      name: "SNOWFLAKE_ACCOUNT",
      what: "the account identifier, orgname-accountname (e.g. myorg-myaccount)",
      given: set("SNOWFLAKE_ACCOUNT")
    },
    { name: "SNOWFLAKE_USER", what: "the user the pipeline signs in as", given: set("SNOWFLAKE_USER") },
    {
      name: "SNOWFLAKE_DATABASE",
      what: "the database that holds the pipeline's schemas",
      given: set("SNOWFLAKE_DATABASE")
    },
    {
      name: "SNOWFLAKE_WAREHOUSE",
      what: "the virtual warehouse the queries and tasks run on",
      given: set("SNOWFLAKE_WAREHOUSE")
    },
    {
      name: "SNOWFLAKE_PRIVATE_KEY (or SNOWFLAKE_PRIVATE_KEY_PATH)",
      what: "the key pair's private key: its PEM text (or the path of its file)",
      // Secrets are taken as given, spaces and all, as readSecret takes them.
      given: Boolean(env.SNOWFLAKE_PRIVATE_KEY || env.SNOWFLAKE_PASSWORD) || set("SNOWFLAKE_PRIVATE_KEY_PATH")
    }
  ];
  return settings.filter((setting) => !setting.given).map(({ name, what }) => ({ name, what }));
}
var ACCOUNT_PATTERN = /^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$/;
function checkAccount(account) {
  const example = "use the account identifier: orgname-accountname as Snowsight shows it (Admin > Accounts), e.g. myorg-myaccount, or an account locator with its region, e.g. xy12345.us-east-1";
  if (/:\/\/|snowflakecomputing\./i.test(account)) {
    throw new ConfigurationError(
      `SNOWFLAKE_ACCOUNT ${JSON.stringify(account)} is a URL or host name, not an account identifier: ${example} (for https://myorg-myaccount.snowflakecomputing.com, write myorg-myaccount)`
    );
  }
  if (!ACCOUNT_PATTERN.test(account)) {
    throw new ConfigurationError(
      `SNOWFLAKE_ACCOUNT ${JSON.stringify(account)} is not an account identifier (letters, digits and _, joined by - or .): ${example}`
    );
  }
}
function checkAccessUrl(accessUrl) {
  let url;
  try {
    url = new URL(accessUrl);
  } catch {
    throw new ConfigurationError(
      `SNOWFLAKE_ACCESS_URL ${JSON.stringify(accessUrl)} is not a URL: use e.g. https://myorg-myaccount.snowflakecomputing.com, or leave it unset to reach the account SNOWFLAKE_ACCOUNT names`
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`SNOWFLAKE_ACCESS_URL ${accessUrl} must be an https:// (or http://) URL`);
  }
}
function maskLines(text) {
  const pem = text.replaceAll("\\r", "").replaceAll("\\n", "\n");
  for (const line of pem.split(/\r?\n/)) {
    const body = line.trim();
    if (body.length >= 16 && !body.startsWith("-----")) readSecret({ line: body }, "line");
  }
  return pem.trim();
}
function keyPair(pem, source, where, passphrase) {
  if (!pem.startsWith("-----BEGIN ")) {
    throw new ConfigurationError(
      `${where} is not a PEM private key: it must start with -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY----- (the rsa_key.p8 that openssl genrsa | openssl pkcs8 writes), line breaks included or written as \\n`
    );
  }
  const encrypted = /^-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && passphrase === void 0) {
    throw new ConfigurationError(
      `${where} is an encrypted private key: set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE to its passphrase`
    );
  }
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem", passphrase: passphrase ?? "" });
  } catch (error) {
    const code = error.code ?? "";
    if (encrypted) {
      throw new ConfigurationError(
        `SNOWFLAKE_PRIVATE_KEY_PASSPHRASE does not decrypt ${where} (${code || "bad decrypt"}): set the passphrase the key was encrypted with`
      );
    }
    throw new ConfigurationError(
      `${where} cannot be read as a private key (${code || "unreadable"}): give the PEM text of an RSA private key, complete from -----BEGIN to -----END`
    );
  }
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new ConfigurationError(
      `${where} is a ${privateKey.asymmetricKeyType ?? "non-RSA"} key: Snowflake's key-pair sign-in takes an RSA key (openssl genrsa 2048)`
    );
  }
  const fingerprint = "SHA256:" + createHash("sha256").update(createPublicKey(privateKey).export({ format: "der", type: "spki" })).digest("base64");
  return { kind: "key-pair", privateKey, source, fingerprint };
}
function list(names) {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

export {
  README_SECTION,
  snowflakeConfig,
  missingSnowflakeSettings
};
