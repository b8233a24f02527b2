export const MAIN_HELP = `turbo — contract-driven code generation on Cerebras Inference

Usage:
  turbo generate CONTRACT_FILE --out DIR [options]
  turbo help [COMMAND]
  turbo --version

Commands:
  generate   Stream an implementation of CONTRACT_FILE from the model and write its files into DIR.
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
stream is never written.

Options:
  --out DIR                  output folder (created when missing)            [required]
  --model M                  model id (default: $CEREBRAS_MODEL or gpt-oss-120b)
  --overwrite always|never   replace files that already exist in DIR         [default: never]
  --max-tokens N             cap on completion tokens                         [default: 32768]
  --json                     print one JSON object with the result on stdout
  -q, --quiet                print nothing but errors (and the JSON with --json)
  -h, --help                 show this help

Exit status:
  0  the generation completed and its files were written
  1  the generation failed (API key, network, rate limit, server); the message says what to do
  2  the command line was wrong
  3  the output was truncated (the model stopped before closing every file)

JSON output (--json):
  {"files":[{"path":"app/main.py","lines":8,"bytes":190}],
   "rejected":[{"path":"../x","reason":"'..' segment"}],
   "finish_reason":"stop","truncated":false,
   "usage":{"prompt_tokens":412,"completion_tokens":980},
   "duration_ms":640,"model":"gpt-oss-120b"}
  On failure an "error":{"kind":"auth","message":"..."} member is added.
`;
