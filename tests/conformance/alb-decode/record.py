"""Records Powertools 3.37's answers to ALB events for `tests/all/alb_options.rs`.

The app is the `alb-options` test guest's validated `GET /search`, written for Powertools:
`ALBResolver(decode_query_parameters=True, enable_validation=True)`. The events carry query
names and values in every encoding that matters to decoding (escaped names, escaped and plain
commas, `+`, malformed and non-UTF-8 escapes, names that decode alike), on single- and
multi-value ALB events. Run with the bench venv's Python (`make bench` makes it):

    target/venv-bench/bin/python tests/conformance/alb-decode/record.py tests/conformance/alb-decode/cases.json
"""

import json
import random
import sys
from typing import List

from typing_extensions import Annotated

from aws_lambda_powertools.event_handler import ALBResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

app = ALBResolver(decode_query_parameters=True, enable_validation=True)


@app.get("/search")
def search(search: Annotated[str, Query()], tags: Annotated[List[str], Query()] = []):
    return {"search": search, "tags": tags}


class Context:
    function_name = "test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"


NAMES = ["search", "%73earch", "sea%72ch", "tags", "t%61gs", "%74ags", "other", "s%65arch%20"]
VALUES = ["caf%C3%A9", "a%2Cb", "a,b", "a+b", "100%", "%zz", "%C3", "%FF%41", "plain", "",
          "x%2cy,z", "%E2%9C%93", "a%252Cb"]


def events(count: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        multi = rng.random() < 0.4
        query = {}
        for _ in range(rng.randint(1, 4)):
            name = rng.choice(NAMES)
            query[name] = ([rng.choice(VALUES) for _ in range(rng.randint(1, 3))]
                           if multi else rng.choice(VALUES))
        event = {
            "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1"}},
            "httpMethod": "GET", "path": "/search", "body": "", "isBase64Encoded": False,
        }
        if multi:
            event.update(multiValueQueryStringParameters=query, multiValueHeaders={"host": ["example.com"]})
        else:
            event.update(queryStringParameters=query, headers={"host": "example.com"})
        out.append(event)
    return out


def main() -> None:
    cases = []
    for event in events(300, seed=11):
        answer = app.resolve(event, Context())
        cases.append({"event": event, "status": answer["statusCode"], "body": json.loads(answer["body"])})
    with open(sys.argv[1], "w") as out:
        out.write("[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n]\n")


if __name__ == "__main__":
    main()
