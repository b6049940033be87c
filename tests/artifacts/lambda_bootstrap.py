"""Runs one built function the way the Lambda runtime does, in an interpreter started with -I -S.

Usage: python -I -S lambda_bootstrap.py EVENT_FILE FUNCTION_DIR LAYER_DIR...
Only the standard library, the function's directory and its layers' python/ directories are
importable, so a dependency missing from a layer's requirements fails here as on Lambda.
Prints one JSON document: the handler's result and where each key module was loaded from
(null: never imported).
"""

import importlib
import json
import sys
import uuid
from pathlib import Path

event_file, function_dir, *layer_dirs = sys.argv[1:]
sys.path[:0] = [function_dir, *layer_dirs]


class Context:
    function_name = "built-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:built-function"
    memory_limit_in_mb = 512
    aws_request_id = str(uuid.uuid4())
    log_group_name = "/aws/lambda/built-function"
    log_stream_name = "local"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


event = json.loads(Path(event_file).read_text(encoding="utf-8"))
handler = importlib.import_module("app").lambda_handler
result = handler(event, Context())
modules = {
    name: getattr(sys.modules.get(name), "__file__", None)
    for name in (
        "app",
        "pressroom",
        "boto3",
        "msgspec",
        "jinja2",
        "nh3",
        "pygments",
        "markdown_it",
        "yaml",
        "frontmatter",
        "PIL",
    )
}
print(json.dumps({"result": result, "modules": modules}))
