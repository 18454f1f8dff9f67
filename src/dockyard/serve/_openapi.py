"""The OpenAPI 3.1 document of ``dockyard serve``'s HTTP API, written by hand to match
:mod:`dockyard.serve._api` route by route (tests/unit/serve/test_api_schema.py runs schemathesis
against it, so a route and its description cannot drift apart)."""

from __future__ import annotations

from typing import Any

__all__ = ["openapi_document"]

_NULLABLE_STR: dict[str, Any] = {"type": ["string", "null"]}
_NULLABLE_INT: dict[str, Any] = {"type": ["integer", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


_AUTH_ERRORS = {
    "401": _error("no token, or an unknown one"),
    "403": _error("the token's scope is too low"),
}
_FULL = {
    "description": "the queue is full: retry after the time given",
    "headers": {"Retry-After": {"schema": {"type": "string"}}},
    "content": {"application/json": {"schema": _ref("Error")}},
}
_APP = {"name": "app", "in": "path", "required": True, "schema": {"type": "string"}}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
}
_READ: list[dict[str, list[str]]] = [{"bearer": []}]

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
    "HookAnswer": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"enum": ["queued", "duplicate", "ignored", "pong"]},
            "delivery": {"type": "string"},
            "reason": _NULLABLE_STR,
        },
    },
    "RegistryAnswer": {
        "type": "object",
        "required": ["results"],
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["app", "delivery", "status"],
                    "properties": {
                        "app": {"type": "string"},
                        "delivery": {"type": "string"},
                        "status": {"enum": ["queued", "duplicate", "ignored"]},
                        "reason": _NULLABLE_STR,
                    },
                },
            }
        },
    },
    "RegistryNotification": {
        "oneOf": [
            {
                "description": "the distribution registry's notification envelope",
                "type": "object",
                "required": ["events"],
                "properties": {"events": {"type": "array", "items": {"type": "object"}}},
            },
            {
                "description": "Docker Hub's webhook",
                "type": "object",
                "required": ["push_data", "repository"],
                "not": {"required": ["events"]},
                "properties": {
                    "push_data": {"type": "object", "properties": {"tag": {"type": "string"}}},
                    "repository": {
                        "type": "object",
                        "required": ["repo_name"],
                        "properties": {"repo_name": {"type": "string"}},
                    },
                },
            },
        ]
    },
    "Queued": {
        "type": "object",
        "required": ["status", "delivery"],
        "properties": {
            "status": {"enum": ["queued", "duplicate"]},
            "delivery": {"type": "string"},
        },
    },
    "App": {
        "type": "object",
        "required": ["name", "repo", "branch", "image", "running"],
        "properties": {
            "name": {"type": "string"},
            "repo": {"type": "string"},
            "branch": {"type": "string"},
            "image": {"type": "string"},
            "webhook": {"enum": ["github", "gitea", "forgejo", "gitlab", None]},
            "poll_s": {"type": ["number", "null"]},
            "running": {"type": "boolean"},
            "live": {
                "type": ["object", "null"],
                "properties": {"commit": _NULLABLE_STR, "digest": {"type": "string"}},
            },
            "last_build": {
                "type": ["object", "null"],
                "properties": {"id": {"type": "integer"}, "status": {"type": "string"}},
            },
            "poll_error": _NULLABLE_STR,
        },
    },
    "Build": {
        "type": "object",
        "required": ["id", "app", "commit", "trigger", "status", "findings", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "app": {"type": "string"},
            "commit": _NULLABLE_STR,
            "trigger": {"type": "string"},
            "delivery": _NULLABLE_STR,
            "status": {
                "enum": [
                    "queued",
                    "building",
                    "gating",
                    "pushing",
                    "deploying",
                    "watching",
                    "live",
                    "rolled_back",
                    "failed",
                    "skipped",
                ]
            },
            "reason": _NULLABLE_STR,
            "digest": _NULLABLE_STR,
            "size_bytes": _NULLABLE_INT,
            "findings": {"type": "array", "items": {"type": "object"}},
            "created_at": {"type": "string"},
            "started_at": _NULLABLE_STR,
            "finished_at": _NULLABLE_STR,
            "duration_s": {"type": ["number", "null"]},
            "timings": {
                "type": "object",
                "description": "seconds spent in each stage the build entered",
                "additionalProperties": {"type": "number"},
            },
        },
    },
    "Deployment": {
        "type": "object",
        "required": ["id", "app", "digest", "targets", "status", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "app": {"type": "string"},
            "build": _NULLABLE_INT,
            "commit": _NULLABLE_STR,
            "digest": {"type": "string"},
            "targets": {"type": "array", "items": {"type": "object"}},
            "status": {"enum": ["live", "rolled_back", "failed", "superseded"]},
            "reason": _NULLABLE_STR,
            "created_at": {"type": "string"},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "database"],
        "properties": {
            "status": {"enum": ["ok", "unavailable"]},
            "database": {"type": "boolean"},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """The document served at ``/openapi.json``."""
    paths: dict[str, Any] = {
        "/hooks/{app}": {
            "post": {
                "summary": "A forge's webhook (GitHub, Gitea, Forgejo, GitLab), signed",
                "parameters": [_APP],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": _json(_ref("HookAnswer"), "a ping, a duplicate, or ignored (reason)"),
                    "202": _json(_ref("HookAnswer"), "stored and queued"),
                    "400": _error("the body is not a readable delivery"),
                    "401": _error("the signature or token does not match"),
                    "404": _error("no such app, or it takes no webhooks"),
                    "413": _error("the body is too large"),
                    "429": _FULL,
                    "503": _error("the webhook secret is not available on this server"),
                },
            }
        },
        "/hooks/registry": {
            "post": {
                "summary": "A registry's notifications (distribution envelope, Docker Hub)",
                "description": "Needs a token of scope deploy: as a bearer token, or as ?token= "
                "for a sender that takes only a URL (Docker Hub).",
                "security": _READ,
                "parameters": [
                    {
                        "name": "token",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "a deploy token, when no Authorization header is sent",
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("RegistryNotification")}},
                },
                "responses": {
                    "200": _json(_ref("RegistryAnswer"), "nothing queued"),
                    "202": _json(_ref("RegistryAnswer"), "deployments queued"),
                    "400": _error("neither an envelope nor a Docker Hub webhook"),
                    **_AUTH_ERRORS,
                    "413": _error("the body is too large"),
                    "429": _FULL,
                },
            }
        },
        "/api/v1/apps": {
            "get": {
                "summary": "The configured apps, what runs and what was built last",
                "security": _READ,
                "responses": {
                    "200": _json({"type": "array", "items": _ref("App")}, "the apps"),
                    **_AUTH_ERRORS,
                },
            }
        },
        "/api/v1/apps/{app}/builds": {
            "get": {
                "summary": "An app's builds, newest first",
                "security": _READ,
                "parameters": [_APP, _LIMIT],
                "responses": {
                    "200": _json({"type": "array", "items": _ref("Build")}, "the builds"),
                    "400": _error("a bad limit"),
                    **_AUTH_ERRORS,
                    "404": _error("no such app"),
                },
            }
        },
        "/api/v1/apps/{app}/deployments": {
            "get": {
                "summary": "An app's deployments, newest first",
                "security": _READ,
                "parameters": [_APP, _LIMIT],
                "responses": {
                    "200": _json({"type": "array", "items": _ref("Deployment")}, "deployments"),
                    "400": _error("a bad limit"),
                    **_AUTH_ERRORS,
                    "404": _error("no such app"),
                },
            }
        },
        "/api/v1/apps/{app}/deploy": {
            "post": {
                "summary": "Build the branch head now and take it live (deploy scope)",
                "security": _READ,
                "parameters": [_APP],
                "responses": {
                    "202": _json(_ref("Queued"), "queued"),
                    **_AUTH_ERRORS,
                    "404": _error("no such app"),
                    "429": _FULL,
                },
            }
        },
        "/api/v1/apps/{app}/rollback": {
            "post": {
                "summary": "Put an earlier deployment's digest back (deploy scope)",
                "security": _READ,
                "parameters": [_APP],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"deployment": {"type": "integer"}},
                                "additionalProperties": False,
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(_ref("Queued"), "the same rollback was queued already"),
                    "202": _json(_ref("Queued"), "queued"),
                    "400": _error("a body other than {deployment: ID}"),
                    **_AUTH_ERRORS,
                    "404": _error("no such app, or no such deployment of it"),
                    "409": _error("no earlier successful deployment"),
                    "413": _error("the body is too large"),
                    "429": _FULL,
                },
            }
        },
        "/api/v1/builds/{id}": {
            "get": {
                "summary": "One build",
                "security": _READ,
                "parameters": [_ID],
                "responses": {
                    "200": _json(_ref("Build"), "the build"),
                    **_AUTH_ERRORS,
                    "404": _error("no such build"),
                },
            }
        },
        "/api/v1/builds/{id}/log": {
            "get": {
                "summary": "A build's log: live (server-sent events) while it runs, then text",
                "security": _READ,
                "parameters": [_ID],
                "responses": {
                    "200": {
                        "description": "the log",
                        "content": {
                            "text/plain": {"schema": {"type": "string"}},
                            "text/event-stream": {"schema": {"type": "string"}},
                        },
                    },
                    **_AUTH_ERRORS,
                    "404": _error("no such build"),
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness and the database",
                "responses": {
                    "200": _json(_ref("Health"), "healthy"),
                    "503": _json(_ref("Health"), "the database does not answer"),
                },
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics",
                "security": _READ,
                "responses": {
                    "200": {
                        "description": "the metrics, in Prometheus' text format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    **_AUTH_ERRORS,
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": _json({"type": "object"}, "the OpenAPI document")},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "dockyard serve", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
