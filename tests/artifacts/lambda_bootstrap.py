"""Runs one built function the way the Lambda runtime does, in an interpreter started with -I -S.

Usage: python -I -S lambda_bootstrap.py FUNCTION_DIR LAYER_DIR EVENT_FILE
Only the standard library, the function's directory and the layer's python/ directory are
importable, so a dependency missing from the layer's requirements fails here as on Lambda.
Prints one JSON document: the handler's result and where each key module was loaded from.
"""

import importlib
import json
import sys
import uuid
from pathlib import Path

function_dir, layer_dir, event_file = sys.argv[1:4]
sys.path[:0] = [function_dir, layer_dir]


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
    for name in ("app", "pressroom", "jinja2", "nh3", "boto3", "pygments")
}
print(json.dumps({"result": result, "modules": modules}))
