"""The domain model, declared once.

Every label, relationship type and property name that reaches a Cypher string comes
from the declarations at the bottom of this module (``MODEL``). Other modules ask the
model (``MODEL.node("Person")``, ``MODEL.relationship("VICTIM_OF")``) and get a
``ModelError`` naming the offending word when something is not declared. How a kind, a
property and the model are declared and checked is ``graph.kinds``.

Values are stored as plain Bolt types that both Neo4j 5 and ArcadeDB keep faithfully:
strings, integers, floats, booleans and lists of those. Instants are ISO-8601 UTC
strings (``2024-05-01T10:00:00Z``) and calendar dates ``YYYY-MM-DD`` strings, so they
sort and compare as text on either server.

Over 400 lines as one idea: the declarations are one list, read top to bottom; the
machinery that checks them is in graph/kinds.py.
"""

from __future__ import annotations

from enum import StrEnum
from functools import partial

from graph.errors import ModelError
from graph.kinds import Model, NodeKind, Prop, PropType, RelKind

# --- vocabularies -------------------------------------------------------------------

CONFIDENTIALITY = ("public", "restricted", "sealed")
COMPLAINT_STATUS = ("received", "extracting", "extracted", "failed")
CHANNELS = ("web", "email", "phone", "in_person", "letter", "partner_ngo", "import", "other")
ORGANIZATION_KINDS = (
    "company",
    "state_agency",
    "police",
    "military",
    "prosecutor_office",
    "federation",
    "ngo",
    "armed_group",
    "criminal_group",
    "media",
    "other",
)
COMMUNITY_KINDS = ("native", "campesina", "other")
GENDERS = ("female", "male", "non_binary", "unknown")
INCIDENT_TYPES = (
    "killing",
    "attempted_killing",
    "threat",
    "assault",
    "criminalisation",
    "harassment",
    "stigmatisation",
    "surveillance",
    "eviction",
    "disappearance",
    "sexual_violence",
    "property_damage",
    "other",
)
DATE_PRECISIONS = ("day", "month", "year", "unknown")
# "locality": a populated place that is no district; "feature": a river, a protected area,
# a road or a bridge. Both carry no ubigeo of their own: they are PART_OF the unit they lie in.
PLACE_LEVELS = ("country", "region", "province", "district", "locality", "feature")
DISPUTE_DRIVERS = (
    "mining",
    "logging",
    "oil_gas",
    "agribusiness",
    "palm_oil",
    "coca",
    "land_trafficking",
    "infrastructure",
    "other",
)
DISPUTE_STATUS = ("active", "latent", "resolved", "unknown")
CASE_STATUS = (
    "open",
    "preliminary_investigation",
    "preparatory_investigation",
    "trial",
    "archived",
    "convicted",
    "acquitted",
)
MEASURE_STATUS = ("requested", "granted", "implemented", "lapsed", "denied")
ALERT_LEVELS = ("low", "medium", "high", "extreme")
ALERT_STATUS = ("new", "under_review", "measures_requested", "closed")
METHODS = ("model", "rule", "manual")
REVIEW_STATUS = ("extracted", "confirmed", "rejected")
PERPETRATION = ("alleged", "confirmed")
MERGE_STATUS = ("active", "undone")
# Who a token speaks for; what each may do is the table in ``schema.roles``.
ROLES = ("intake", "trainer", "analyst", "prosecutor", "admin")
DISPUTE_SIDES = ("claimant", "respondent", "other")

TIMESTAMPS = (
    Prop("created_at", PropType.DATETIME, doc="When the record was first written."),
    Prop("updated_at", PropType.DATETIME, doc="When the record was last written."),
)

PROVENANCE = (
    Prop("sources", PropType.STRING_LIST, doc="Ids of the complaints that support the fact."),
    Prop("evidence_keys", PropType.STRING_LIST, doc="One key per evidence: complaint:start:end."),
    Prop("quotes", PropType.STRING_LIST, doc="The evidence sentence or span, per evidence."),
    Prop("starts", PropType.INTEGER_LIST, doc="Character offset where each quote starts."),
    Prop("ends", PropType.INTEGER_LIST, doc="Character offset where each quote ends."),
    Prop("methods", PropType.STRING_LIST, choices=METHODS, doc="How each evidence was found."),
    Prop("confidences", PropType.FLOAT_LIST, doc="Confidence of each evidence, 0..1."),
    Prop("confidence", PropType.FLOAT, doc="Highest confidence over the evidence."),
    Prop(
        "method",
        choices=METHODS,
        doc="How a fact that cites no complaint was established ('manual': a person said so).",
    ),
    Prop("review", PropType.STRING, choices=REVIEW_STATUS, doc="Human review status."),
    Prop("review_note", PropType.STRING),
    Prop("extractor", doc="Name and version of the extractor that last wrote evidence to it."),
    Prop("reviewed_by", PropType.STRING),
    Prop("reviewed_at", PropType.DATETIME),
)

_NAMED = (
    Prop("name", PropType.STRING, required=True),
    Prop("name_norm", PropType.STRING, doc="Name folded to lower case without accents."),
)

_ACTOR = (
    *_NAMED,
    Prop("aliases", PropType.STRING_LIST),
    Prop("aliases_norm", PropType.STRING_LIST),
    Prop("merged_into", PropType.STRING, doc="Id of the actor this one was merged into."),
    Prop("risk_level", choices=ALERT_LEVELS, doc="Level of the latest risk assessment."),
    Prop("risk_score", PropType.FLOAT, doc="Score of the latest risk assessment."),
    Prop("risk_assessed_at", PropType.DATETIME, doc="When the actor was last assessed."),
    *TIMESTAMPS,
)


# Every relationship type carries the timestamps; a fact also carries the provenance.
_rel = partial(RelKind, provenance=PROVENANCE, stamps=TIMESTAMPS)


def _actor(name: str, prefix: str, *extra: Prop, doc: str) -> NodeKind:
    return NodeKind(
        name=name,
        labels=("Actor", name),
        id_prefix=prefix,
        props=(*_ACTOR, *extra),
        indexed=("name_norm",),
        text_indexed=("name_norm", "aliases_norm"),
        doc=doc,
    )


MODEL = Model(
    nodes=(
        NodeKind(
            "Complaint",
            labels=("Complaint",),
            id_prefix="cmp",
            props=(
                Prop("text", required=True, doc="The complaint as received, verbatim."),
                Prop("sha256", required=True, doc="SHA-256 of the text; one complaint per text."),
                Prop("language", doc="ISO 639-1 code detected, or 'und'."),
                Prop("received_at", PropType.DATETIME, required=True),
                Prop(
                    "reported_at",
                    PropType.DATE,
                    doc="When the report was made or published, if known: the date "
                    "relative dates in the text are read against (else received_at).",
                ),
                Prop("channel", choices=CHANNELS),
                Prop("source", doc="Who or what brought the complaint (an office, a partner)."),
                Prop("confidentiality", choices=CONFIDENTIALITY, required=True),
                Prop("status", choices=COMPLAINT_STATUS, required=True),
                Prop("status_detail", doc="Why extraction failed, when it did."),
                Prop("attempts", PropType.INTEGER, doc="Extraction attempts so far."),
                Prop("claimed_by", doc="host:pid:start of the process extracting it."),
                Prop("claimed_at", PropType.DATETIME, doc="When that process claimed it."),
                Prop("extracted_at", PropType.DATETIME),
                Prop("extractor", doc="Name and version of the extractor that ran."),
                Prop("submitted_by", doc="Token name of the submitter."),
                *TIMESTAMPS,
            ),
            indexed=("status", "received_at"),
            unique=("sha256",),
            doc="A denuncia: the source of every extracted fact.",
        ),
        _actor(
            "Person",
            "per",
            Prop("gender", choices=GENDERS),
            Prop("people", doc="People or ethnicity, e.g. Asháninka."),
            Prop("defender", PropType.BOOLEAN, doc="A human rights defender."),
            Prop("protected", PropType.BOOLEAN, doc="Protected person: pseudonymised for most."),
            Prop(
                "pseudonym_no",
                PropType.INTEGER,
                doc="N of the person's pseudonym 'Persona N': given once, never reused.",
            ),
            doc="A natural person. Roles live on relationships, never on the person.",
        ),
        _actor(
            "Organization",
            "org",
            Prop("kind", choices=ORGANIZATION_KINDS, required=True),
            Prop("acronym"),
            Prop("ruc", doc="Peruvian taxpayer number, for companies in public records."),
            doc="A company, state body, police or military unit, federation, NGO or group.",
        ),
        _actor(
            "Community",
            "com",
            Prop("community_kind", choices=COMMUNITY_KINDS, required=True),
            Prop("people", doc="Indigenous people, e.g. Kakataibo."),
            Prop("titling_status", doc="Land titling status."),
            doc="A comunidad nativa or comunidad campesina.",
        ),
        NodeKind(
            "Incident",
            labels=("Incident",),
            id_prefix="inc",
            props=(
                Prop("type", choices=INCIDENT_TYPES, required=True),
                Prop("date", PropType.DATE),
                Prop("date_precision", choices=DATE_PRECISIONS),
                Prop("severity", PropType.INTEGER, doc="1 (low) to 5 (killing)."),
                Prop("summary"),
                *TIMESTAMPS,
            ),
            indexed=("type", "date"),
            doc="An act: who did what to whom, where and when.",
        ),
        NodeKind(
            "Place",
            labels=("Place",),
            id_prefix="plc",
            props=(
                *_NAMED,
                Prop("ubigeo", doc="INEI UBIGEO code (2, 4 or 6 digits)."),
                Prop("level", choices=PLACE_LEVELS, required=True),
                Prop("lat", PropType.FLOAT),
                Prop("lon", PropType.FLOAT),
                *TIMESTAMPS,
            ),
            indexed=("name_norm",),
            unique=("ubigeo",),
            text_indexed=("name_norm",),
            doc="A region, province, district, locality or feature (river, protected area, road).",
        ),
        NodeKind(
            "LandDispute",
            labels=("LandDispute",),
            id_prefix="dsp",
            props=(
                *_NAMED,
                Prop("driver", choices=DISPUTE_DRIVERS),
                Prop("status", choices=DISPUTE_STATUS),
                *TIMESTAMPS,
            ),
            indexed=("name_norm",),
            text_indexed=("name_norm",),
            doc="A conflict over land or territory.",
        ),
        NodeKind(
            "Case",
            labels=("Case",),
            id_prefix="cas",
            props=(
                Prop("file_number", required=True, doc="Prosecutor's file (carpeta fiscal)."),
                Prop("office", doc="Fiscalía in charge."),
                Prop("status", choices=CASE_STATUS, required=True),
                Prop("opened_at", PropType.DATE),
                *TIMESTAMPS,
            ),
            indexed=("status",),
            unique=("file_number",),
            doc="A prosecutor's case file.",
        ),
        NodeKind(
            "ProtectionMeasure",
            labels=("ProtectionMeasure",),
            id_prefix="pm",
            props=(
                Prop("kind", required=True, doc="E.g. police patrols, relocation, escort."),
                Prop("status", choices=MEASURE_STATUS, required=True),
                Prop("requested_at", PropType.DATE),
                Prop("granted_at", PropType.DATE),
                Prop("implemented_at", PropType.DATE),
                Prop("authority", doc="Who grants or implements it."),
                *TIMESTAMPS,
            ),
            indexed=("status",),
            doc="A protection measure: requested, granted, implemented or lapsed.",
        ),
        NodeKind(
            "Alert",
            labels=("Alert",),
            id_prefix="alr",
            props=(
                Prop("level", choices=ALERT_LEVELS, required=True, doc="Level in force."),
                Prop("assessed_level", choices=ALERT_LEVELS, doc="Level the assessment gave."),
                Prop("override_reason", doc="Why an expert set the level by hand."),
                Prop("status", choices=ALERT_STATUS, required=True),
                Prop("urgent", PropType.BOOLEAN),
                Prop("score", PropType.FLOAT),
                Prop("subject_id", required=True, doc="The defender or community at risk."),
                Prop("ubigeo", doc="District (or wider) code of the latest incident."),
                Prop("latest_incident", doc="The incident that raised the level."),
                Prop("complaint_id", doc="The complaint whose intake raised it, if any."),
                Prop("assessment", doc="JSON: the assessment that raised it, factors included."),
                Prop("consulted", PropType.BOOLEAN, doc="The person at risk was consulted."),
                Prop("consultation_note", doc="What the person at risk said, or why not asked."),
                Prop(
                    "history",
                    PropType.STRING_LIST,
                    doc="JSON per transition: at, by, action, from, to, reason. Append-only.",
                ),
                *TIMESTAMPS,
            ),
            indexed=("status", "level", "subject_id"),
            doc="An early warning (alerta temprana).",
        ),
        NodeKind(
            "ActorMerge",
            labels=("ActorMerge",),
            id_prefix="mrg",
            props=(
                Prop("keep_id", required=True, doc="The actor that absorbed the other."),
                Prop("merged_id", required=True, doc="The actor merged into it (kept, emptied)."),
                Prop("reason", doc="Why a person decided the two are one actor."),
                Prop("merged_by", doc="Who merged them."),
                Prop("merged_at", PropType.DATETIME),
                Prop(
                    "snapshot",
                    doc="JSON: every edge the merge moved or dropped, as it was, and the "
                    "kept actor's edge it joined (if any) as that edge was before.",
                ),
                Prop("aliases_added", PropType.STRING_LIST, doc="Aliases the kept actor gained."),
                Prop("aliases_norm_added", PropType.STRING_LIST, doc="Their folded forms added."),
                Prop(
                    "candidate",
                    doc="JSON: the POSSIBLY_SAME_AS edges between the two (removed from the "
                    "graph), each with the decision 'merged'.",
                ),
                Prop("status", choices=MERGE_STATUS, required=True),
                Prop("undone_by", doc="Who split the actors again."),
                Prop("undone_at", PropType.DATETIME),
                Prop("undo_reason"),
                *TIMESTAMPS,
            ),
            indexed=("keep_id", "merged_id"),
            doc="A merge of two actors into one, recorded so that a split can undo it.",
        ),
        NodeKind(
            "ApiToken",
            labels=("ApiToken",),
            id_prefix="tok",
            props=(
                Prop("name", required=True, doc="Who or what holds the token."),
                Prop("role", choices=ROLES, required=True),
                Prop("hash", required=True, doc="SHA-256 of the token; the token is not kept."),
                Prop("created_by", doc="Who created it."),
                Prop("revoked_at", PropType.DATETIME),
                Prop("revoked_by"),
                *TIMESTAMPS,
            ),
            indexed=("name",),
            unique=("hash",),
            internal=True,
            doc="A bearer token, by its hash. Never served by the API's node look-ups.",
        ),
        NodeKind(
            "AuditRecord",
            labels=("AuditRecord",),
            id_prefix="aud",
            props=(
                Prop("seq", PropType.INTEGER, required=True, doc="1, 2, 3… with no gaps."),
                Prop("at", PropType.DATETIME, required=True),
                Prop("who", required=True, doc="The token's name."),
                Prop("role", required=True),
                Prop("token_id"),
                Prop("operation", required=True, doc="Operation name, or its root fields."),
                Prop("kind", doc="query, mutation or subscription."),
                Prop("variables_hash", required=True, doc="SHA-256 of the variables."),
                Prop("persons", PropType.STRING_LIST, doc="Ids of the persons returned."),
                Prop("complaints", PropType.STRING_LIST, doc="Ids of the complaints returned."),
                Prop("outcome", doc="ok, or errors."),
                Prop("prev", required=True, doc="The previous record's hash."),
                Prop("hash", required=True, doc="SHA-256 over this record and prev."),
            ),
            indexed=("at", "who"),
            unique=("seq",),
            internal=True,
            doc="One operation in the append-only, hash-chained audit log.",
        ),
        NodeKind(
            "AuditHead",
            labels=("AuditHead",),
            id_prefix="audh",
            props=(
                Prop("seq", PropType.INTEGER, required=True),
                Prop("hash", required=True),
            ),
            internal=True,
            doc="The audit log's last record (one node): where the next one links.",
        ),
        NodeKind(
            "Sequence",
            labels=("Sequence",),
            id_prefix="seq",
            props=(Prop("value", PropType.INTEGER, required=True, doc="The last number given."),),
            internal=True,
            doc="A counter (pseudonym numbers): bumped inside the transaction that uses it.",
        ),
        NodeKind(
            "NameKey",
            labels=("NameKey",),
            id_prefix="nk",
            props=(Prop("key", required=True, doc="A spelling-tolerant word of a name."),),
            internal=True,
            doc="The project's own name index: actors that share a name word meet here.",
        ),
        NodeKind(
            "SchemaVersion",
            labels=("SchemaVersion",),
            id_prefix="schema",
            props=(
                Prop("version", PropType.INTEGER, required=True),
                Prop("applied", PropType.STRING_LIST, doc="Migration names, in order."),
                *TIMESTAMPS,
            ),
            internal=True,
            doc="The store's schema version, one node.",
        ),
    ),
    relationships=(
        _rel("REPORTS", (("Complaint", "Incident"),), doc="The complaint reports it."),
        _rel(
            "MENTIONS",
            (
                ("Complaint", "Actor"),
                ("Complaint", "Place"),
                ("Complaint", "LandDispute"),
                ("Complaint", "Case"),
            ),
            doc="The complaint names it; evidence spans give where.",
        ),
        _rel(
            "PERPETRATOR_OF",
            (("Actor", "Incident"),),
            (
                Prop("status", choices=PERPETRATION, doc="Alleged or confirmed."),
                Prop(
                    "confirmed_from",
                    doc="Id of the SUSPECTED_OF fact a reviewer confirmed into this one.",
                ),
            ),
            anchor="end",
            doc="The text attributes the act to the actor (alleged unless confirmed).",
        ),
        _rel(
            "SUSPECTED_OF",
            (("Actor", "Incident"),),
            anchor="end",
            confirms_as="PERPETRATOR_OF",
            doc="Named in a report of the act, which no sentence attributes to the actor: "
            "pending review, never an accusation until a reviewer confirms it.",
        ),
        _rel("VICTIM_OF", (("Actor", "Incident"),), anchor="end"),
        _rel("WITNESS_OF", (("Person", "Incident"),), anchor="end"),
        _rel("OCCURRED_IN", (("Incident", "Place"),)),
        _rel(
            "PART_OF",
            (("Place", "Place"), ("Incident", "LandDispute")),
            doc="A place in its parent; an incident in a land dispute.",
        ),
        _rel(
            "PARTY_TO",
            (("Actor", "LandDispute"),),
            (Prop("side", choices=DISPUTE_SIDES),),
            anchor="end",
        ),
        _rel(
            "LOCATED_IN",
            (("Actor", "Place"), ("LandDispute", "Place")),
        ),
        _rel(
            "MEMBER_OF",
            (("Person", "Organization"), ("Person", "Community"), ("Community", "Organization")),
            (Prop("role", doc="E.g. apu, president, defender, member."),),
        ),
        _rel("WORKS_FOR", (("Person", "Organization"),), (Prop("role"),)),
        _rel(
            "ASSOCIATE_OF",
            (("Actor", "Actor"),),
            (Prop("relationship", doc="E.g. hired by, relative of, lawyer of."),),
            doc="Two actors a person knows to be linked, recorded by hand with a quote.",
        ),
        _rel("INVESTIGATES", (("Case", "Incident"),)),
        _rel("ACCUSES", (("Case", "Actor"),)),
        _rel("PROTECTS", (("ProtectionMeasure", "Actor"),)),
        _rel(
            "HAS_NAME_KEY",
            (("Actor", "NameKey"),),
            fact=False,
            doc="An actor's name contains this word (for candidate look-ups).",
        ),
        _rel(
            "POSSIBLY_SAME_AS",
            (("Person", "Person"), ("Organization", "Organization"), ("Community", "Community")),
            (
                Prop("score", PropType.FLOAT, doc="Name similarity 0..100, context included."),
                Prop("reason", doc="Why the two may be one actor."),
                Prop(
                    "decision",
                    choices=("open", "merged", "distinct"),
                    doc="A reviewer's decision; never acted on automatically.",
                ),
            ),
            doc="A review candidate: two actors that may be one. Never merged silently.",
        ),
        _rel(
            "CONCERNS",
            (
                ("Alert", "Actor"),
                ("Alert", "Incident"),
                ("ProtectionMeasure", "Case"),
                ("ProtectionMeasure", "Incident"),
            ),
        ),
    ),
)


class Rel(StrEnum):
    """The relationship types by name, for code to use instead of writing them out: a
    ``Rel`` is the type's own string (it goes into Cypher, compares and serialises as
    the text). Checked against ``MODEL`` when this module loads."""

    REPORTS = "REPORTS"
    MENTIONS = "MENTIONS"
    PERPETRATOR_OF = "PERPETRATOR_OF"
    SUSPECTED_OF = "SUSPECTED_OF"
    VICTIM_OF = "VICTIM_OF"
    WITNESS_OF = "WITNESS_OF"
    OCCURRED_IN = "OCCURRED_IN"
    PART_OF = "PART_OF"
    PARTY_TO = "PARTY_TO"
    LOCATED_IN = "LOCATED_IN"
    MEMBER_OF = "MEMBER_OF"
    WORKS_FOR = "WORKS_FOR"
    ASSOCIATE_OF = "ASSOCIATE_OF"
    INVESTIGATES = "INVESTIGATES"
    ACCUSES = "ACCUSES"
    PROTECTS = "PROTECTS"
    HAS_NAME_KEY = "HAS_NAME_KEY"
    POSSIBLY_SAME_AS = "POSSIBLY_SAME_AS"
    CONCERNS = "CONCERNS"


if {r.value for r in Rel} != {k.type for k in MODEL.relationships}:
    raise ModelError("Rel and MODEL declare different relationship types")

# --- the shared vocabulary, from the declarations above --------------------------------
# Every other module (Cypher, GraphQL, analytics, documents) takes these from here.

# The three kinds of actor (the kinds under the ``Actor`` interface).
ACTOR_KINDS = tuple(k.name for k in MODEL.nodes if "Actor" in k.labels)
# The roles an actor has in an incident as reports give them. A suspect (SUSPECTED_OF:
# named in a report of the act, not attributed it, pending review) is asked for by name
# only: no count of perpetrators, and no "every role", includes it.
ALL_ROLES = tuple(MODEL.relationship(t).type for t in ("PERPETRATOR_OF", "VICTIM_OF", "WITNESS_OF"))
SUSPECT_ROLE = MODEL.relationship("SUSPECTED_OF").type
# The API's word for each role (filters, GraphQL ``Role``).
ROLE_TYPES = {
    **dict(zip(("perpetrator", "victim", "witness"), ALL_ROLES, strict=True)),
    "suspect": SUSPECT_ROLE,
}
# The facts a person may record between two actors, quoting a complaint (``linkActors``).
LINK_TYPES = tuple(MODEL.relationship(t).type for t in ("MEMBER_OF", "WORKS_FOR", "ASSOCIATE_OF"))
