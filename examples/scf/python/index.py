import json
import os
import platform


def main_handler(event, context):
    """An SCF API-gateway handler returning an integrated response."""
    name = (event.get("queryString") or {}).get("name", "world")
    print(f"{context['function_name']} greets {name} (request {context['request_id']})")
    return {
        "isBase64Encoded": False,
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": f"{os.environ['GREETING']} {name} from Python {platform.python_version()}"}),
    }
