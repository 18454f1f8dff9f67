"""DL3064: ``ARG`` and ``ENV`` values are stored in the image (``docker history``, ``docker
inspect``); a name like ``*_TOKEN`` or ``*password*`` says a secret is about to be baked in. Use
``RUN --mount=type=secret`` instead."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity

__all__ = ["rule"]

# hadolint's list of well-known secret variable names, and its suspicious name parts.
_KNOWN = frozenset(
    [
        "ACCESS_TOKEN",
        "APPLICATION_KEY",
        "APP_SECRET",
        "AUTH_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "BITTREX_API_KEY",
        "BITTREX_API_SECRET",
        "CF_PASSWORD",
        "CF_USERNAME",
        "CIRCLE_TOKEN",
        "CI_DEPLOY_PASSWORD",
        "CI_DEPLOY_USER",
        "DOCKERHUB_PASSWORD",
        "DOCKER_EMAIL",
        "DOCKER_PASSWORD",
        "DOCKER_USERNAME",
        "FACEBOOK_ACCESS_TOKEN",
        "FACEBOOK_APP_ID",
        "FACEBOOK_APP_SECRET",
        "FIREBASE_API_TOKEN",
        "FIREBASE_TOKEN",
        "FOSSA_API_KEY",
        "GH_ENTERPRISE_TOKEN",
        "GH_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN",
        "GITHUB_TOKEN",
        "HEROKU_API_KEY",
        "HEROKU_API_USER",
        "NPM_AUTH_TOKEN",
        "NPM_TOKEN",
        "OKTA_AUTHN_GROUPID",
        "OKTA_CLIENT_ORGURL",
        "OKTA_CLIENT_TOKEN",
        "OKTA_OAUTH2_CLIENTID",
        "OKTA_OAUTH2_CLIENTSECRET",
        "OPENAI_API_KEY",
        "OS_PASSWORD",
        "OS_USERNAME",
        "POSTGRES_PASSWORD",
        "SLACK_TOKEN",
        "STRIPE_API_KEY",
        "STRIPE_DEVICE_NAME",
        "TRAVIS_OS_NAME",
        "TRAVIS_SECURE_ENV_VARS",
        "TRAVIS_SUDO",
        "VAULT_CLIENT_KEY",
        "VAULT_TOKEN",
    ]
)
_SUSPICIOUS = ("api_key", "client_key", "password", "private", "secret", "token", "username")


def _sensitive(name: str) -> bool:
    return name.upper() in _KNOWN or any(part in name.lower() for part in _SUSPICIOUS)


class DL3064(InstructionRule):
    code = "DL3064"
    severity = Severity.WARNING
    message = "Potentially sensitive data should not be used in the `ARG` or `ENV` commands"
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        if instruction.keyword == "ARG":
            return not any(_sensitive(name) for name, _ in instruction.arg_pairs())
        if instruction.keyword == "ENV":
            return not any(_sensitive(name) for name, _ in instruction.env_pairs())
        return True


rule = DL3064()
