import json
import os
import platform


def handler(event, context):
    """A REST API (payload v1.0) handler."""
    name = (event.get("queryStringParameters") or {}).get("name", "world")
    print(f"{context.function_name} greets {name} (request {context.aws_request_id})")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": f"{os.environ['GREETING']} {name} from Python {platform.python_version()}"}),
    }
