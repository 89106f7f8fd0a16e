"""Every rule, one module each; the order here is the order of `corslint rules`."""

from __future__ import annotations

from corslint.rules.base import Rule
from corslint.rules.cors001_parse_error import ParseError
from corslint.rules.cors002_config_error import ConfigError
from corslint.rules.cors003_unsupported_cors_library import UnsupportedCorsLibrary
from corslint.rules.cors004_unused_suppression import UnusedSuppression
from corslint.rules.cors101_credentialed_any_origin import CredentialedAnyOrigin
from corslint.rules.cors102_null_origin_allowed import NullOriginAllowed
from corslint.rules.cors103_insecure_origin import InsecureOrigin
from corslint.rules.cors104_permissive_origin_pattern import PermissiveOriginPattern
from corslint.rules.cors105_any_origin import AnyOrigin
from corslint.rules.cors106_localhost_origin import LocalhostOrigin
from corslint.rules.cors107_reflection_without_vary import ReflectionWithoutVary
from corslint.rules.cors201_wildcard_with_credentials import WildcardWithCredentials
from corslint.rules.cors202_method_not_allowed import MethodNotAllowed
from corslint.rules.cors203_content_type_not_allowed import ContentTypeNotAllowed
from corslint.rules.cors204_authorization_not_allowed import AuthorizationNotAllowed
from corslint.rules.cors205_wildcard_list_with_credentials import WildcardListWithCredentials
from corslint.rules.cors206_preflight_not_handled import PreflightNotHandled
from corslint.rules.cors207_ineffective_max_age import IneffectiveMaxAge
from corslint.rules.cors301_malformed_origin import MalformedOrigin
from corslint.rules.cors302_duplicate_cors_layers import DuplicateCorsLayers
from corslint.rules.cors303_cors_not_active import CorsNotActive
from corslint.rules.cors304_deprecated_setting import DeprecatedSetting
from corslint.rules.cors305_unresolved_value import UnresolvedValue
from corslint.rules.cors306_stateful_origin_pattern import StatefulOriginPattern
from corslint.rules.cors307_unknown_option import UnknownOption

RULES: tuple[Rule, ...] = (
    ParseError(),
    ConfigError(),
    UnsupportedCorsLibrary(),
    UnusedSuppression(),
    CredentialedAnyOrigin(),
    NullOriginAllowed(),
    InsecureOrigin(),
    PermissiveOriginPattern(),
    AnyOrigin(),
    LocalhostOrigin(),
    ReflectionWithoutVary(),
    WildcardWithCredentials(),
    MethodNotAllowed(),
    ContentTypeNotAllowed(),
    AuthorizationNotAllowed(),
    WildcardListWithCredentials(),
    PreflightNotHandled(),
    IneffectiveMaxAge(),
    MalformedOrigin(),
    DuplicateCorsLayers(),
    CorsNotActive(),
    DeprecatedSetting(),
    UnresolvedValue(),
    StatefulOriginPattern(),
    UnknownOption(),
)
RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
_BY_ID = {rule.id: rule for rule in RULES}


def rule_by_id(rule_id: str) -> Rule:
    return _BY_ID[rule_id]
