"""moto_server with IAM enforcement that holds for the calls gameday makes (`fixture:aws -- up --iam`).

moto checks every request against the caller's IAM policies once its "no auth" allowance is used up
(INITIAL_NO_AUTH_ACTION_COUNT; the fixture sets it to 0 through /moto-api/reset-auth after the admin
bootstrap). What moto 5.2.5 checks (moto/iam/access_control.py, moto/core/authorization.py):
  - authentication: the access key must belong to an IAM user (or an assumed role), and the SigV4
    signature is recomputed with its secret;
  - actions: "<signing name>:<operation>" against each statement's Action (wildcards, Allow and Deny);
  - resources: only for S3 (bucket and object ARNs), IAM, STS and SQS; every other service hands the
    check the resource "*";
  - conditions: only StringEquals on keys the request supplies, and only in role trust policies; in a
    user's policies every Condition passes.
sts:GetCallerIdentity is always allowed, and moto checks no implicit permission (iam:PassRole, the tag
actions a create with tags needs, kms:CreateGrant).

Four corrections, each where moto would answer differently from AWS; none grants what a policy does not:
  1. moto recomputes the signature of a request without a body over its headers (the request's data
     falls back to the headers when it has no query and no body), so every such GET or DELETE (FIS,
     Route 53) failed SignatureDoesNotMatch. The signature is computed over the raw body here.
  2. CloudWatch signs as "monitoring", and moto took that for the IAM prefix; IAM's is "cloudwatch".
  3. A statement scoped to ARNs never matched the "*" moto passes for services whose resource it does
     not know. Where moto knows no resource, the statement's Resource is not evaluated (moto checks the
     action only); where it does (S3), Resource is matched as before.
  4. A refusal was always moto's query-protocol XML, which the SDKs of FIS (REST-JSON), CloudWatch
     (JSON 1.0) and Route 53 (REST-XML, another error shape) cannot read; they get AccessDenied in their
     own protocol's shape.
"""

import sys
from xml.sax.saxutils import escape

from botocore.awsrequest import AWSRequest
from moto.core.exceptions import JsonRESTError, _RESTError
from moto.iam import access_control as ac


def _create_aws_request(self):
    signed_headers = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"]).split(";")
    headers = self._create_headers_for_aws_request(signed_headers, self._headers)
    request = AWSRequest(method=self._method, url=self._path, data=self._body or b"", headers=headers)
    request.context["timestamp"] = headers["X-Amz-Date"]
    return request


_original_init = ac.IAMRequestBase.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    if self._action.startswith("monitoring:"):
        self._action = "cloudwatch:" + self._action[len("monitoring:") :]


_original_matches = ac.IAMPolicyStatement._check_element_matches


def _check_element_matches(self, statement_element, value):
    if statement_element == "Resource" and value == "*":
        return True
    return _original_matches(self, statement_element, value)


class _Route53AccessDenied(_RESTError):
    code = 403

    def __init__(self, message):
        super().__init__("AccessDenied", message)
        self.description = (
            '<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
            f"<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{escape(message)}</Message></Error>"
            "</ErrorResponse>"
        )


_original_access_denied = ac.IAMRequest._raise_access_denied


def _raise_access_denied(self):
    message = f"User: {self._access_key.arn} is not authorized to perform: {self._action}"
    json_request = any(k.lower() == "x-amz-target" for k in self._headers.keys())
    if self._service == "fis" or json_request:
        error = JsonRESTError("AccessDenied" if self._service == "monitoring" else "AccessDeniedException", message)
        error.code = 403
        raise error
    if self._service == "route53":
        raise _Route53AccessDenied(message)
    _original_access_denied(self)


ac.IAMRequest._raise_access_denied = _raise_access_denied
ac.IAMRequestBase._create_aws_request = _create_aws_request
ac.IAMRequestBase.__init__ = _init
ac.IAMPolicyStatement._check_element_matches = _check_element_matches

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
