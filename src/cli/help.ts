export const MAIN_HELP = `turbo — contract-driven code generation on Cerebras Inference

Usage:
  turbo generate CONTRACT_FILE --out DIR [options]
  turbo mcp
  turbo help [COMMAND]
  turbo --version

Commands:
  generate   Stream an implementation of CONTRACT_FILE from the model and write its files into DIR.
  mcp        Serve the MCP tools (generate, generate_and_write_files, check_status) over stdio.
  help       Show help for a command.

Environment:
  CEREBRAS_API_KEY    your API key (required)
  CEREBRAS_BASE_URL   API base URL (default https://api.cerebras.ai); CEREBRAS_URL is accepted too
  CEREBRAS_MODEL      default model when --model is not given (default gpt-oss-120b)

Run 'turbo help generate' for the options of generate.
`;

export const GENERATE_HELP = `turbo generate CONTRACT_FILE --out DIR [options]

Sends the contract in CONTRACT_FILE to the model, streams the answer, and writes each
<FILE path="..."> block into DIR as soon as it is complete. Paths that would leave DIR,
or land in .git, .vscode or node_modules, are refused. A file cut off by the end of the
stream is never written: Turbo first asks the model to continue it (see
--max-continuations) and stitches the rest on.

Options:
  --out DIR                  output folder (created when missing)            [required]
  --model M                  model id (default: $CEREBRAS_MODEL or gpt-oss-120b)
  --overwrite ask|always|never
                             files that already exist in DIR: ask once at the end
                             (only at a terminal; otherwise keep them), always
                             replace them, or never                           [default: ask]
  --max-tokens N             cap on completion tokens per request             [default: 32768]
  --max-continuations N      follow-up requests when the answer is cut off;
                             0 turns continuation off                         [default: 2]
  --idle-timeout S           abort when the stream sends nothing for S seconds [default: 60]
  --json                     print one JSON object with the result on stdout
  -q, --quiet                print nothing but errors (and the JSON with --json)
  -h, --help                 show this help

Exit status:
  0  the generation completed and its files were written
  1  the generation failed (API key, network, rate limit, server); the message says what to do
  2  the command line was wrong
  3  the output was truncated: a file was still cut off after the continuations

JSON output (--json):
  {"files":[{"path":"app/main.py","lines":8,"bytes":190}],
   "rejected":[{"path":"../x","reason":"'..' segment","status":"rejected"}],
   "finish_reason":"stop","truncated":false,
   "usage":{"prompt_tokens":412,"completion_tokens":980},
   "unfinished":[],"warnings":[],"continuations":0,
   "duration_ms":640,"model":"gpt-oss-120b","cost_usd":0.00088}
  On failure an "error":{"kind":"auth","message":"..."} member is added.
`;

export const MCP_HELP = `turbo mcp

Serves Turbo as an MCP server over stdio (the same as \`node dist/mcp.js\`), for coding agents.
Tools, with the seed's names and arguments:
  generate(prompt, system_prompt?, max_tokens?)             the model's text answer
  generate_and_write_files(prompt, output_dir, system_prompt?)
                                                            writes the files; returns metadata only
  check_status()                                            configuration and the models your key has

Environment:
  CEREBRAS_API_KEY                  your API key (required for the tools that call the model)
  CEREBRAS_MODEL                    model id (default gpt-oss-120b)
  CEREBRAS_BASE_URL / CEREBRAS_URL  API base URL (CEREBRAS_URL may include /v1)
  TURBO_OVERWRITE                   always (default) or never: files that already exist in output_dir
  TURBO_MAX_CONTINUATIONS           follow-up requests for a cut-off answer (default 2)

Relative output_dir values resolve against the server's working directory.
`;
