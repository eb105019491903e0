//! What changed between two schemas of a page, and what it means for users of the generated crate.

use serde_json::Value;

/// How a change affects users of the generated crate `lark-events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Compat {
    /// Code that builds against the old crate still builds and behaves: a minor release.
    Compatible,
    /// Code that builds against the old crate may stop building: a major release.
    Breaking,
}

impl Compat {
    /// The release this class of change calls for.
    pub fn release(self) -> &'static str {
        match self {
            Compat::Compatible => "minor release",
            Compat::Breaking => "major release",
        }
    }
}

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A field of the body. A change inside a named type (a `$defs` entry) is reported once for the
    /// type: `paths` lists every use, in page order.
    Field {
        /// Field paths such as `event.online_version.scopes[].token_types`.
        paths: Vec<String>,
        /// The named type the changed field belongs to, when it belongs to one.
        owner: Option<String>,
    },
    /// A key of the event metadata (`x-lark-event`), e.g. `permissions`.
    Event(&'static str),
    /// A key of an API page's endpoint (`x-lark-api`): `method` or `path`.
    Api(&'static str),
    /// A key of the page itself, e.g. `title`.
    Page(&'static str),
}

/// Which body of a page a field belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Body {
    /// What the platform sends: an event, or an API's response. Its paths are bare (`data.items[]`).
    #[default]
    Received,
    /// What a caller sends: an API's request body (`x-lark-request`). Its paths start with `request.`.
    Request,
}

/// One documented value of an enum or a bit set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// The value as sent on the wire (`zh_hk`, `1`).
    pub value: String,
    /// The page's label for it.
    pub label: Option<String>,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    FieldAdded {
        ty: String,
    },
    /// A field added to a request body and marked required (`必填`): callers must send it.
    RequiredFieldAdded {
        ty: String,
    },
    FieldRemoved {
        ty: String,
    },
    /// The field's type is different, and so is its Rust type.
    TypeChanged {
        old: String,
        new: String,
    },
    /// The page writes another type that maps to the same Rust type (`int` → `int64`).
    DocTypeChanged {
        old: String,
        new: String,
    },
    EnumValuesAdded(Vec<EnumValue>),
    EnumValuesRemoved(Vec<EnumValue>),
    /// Same value, another label. `names_variant` when the Rust name of the variant or flag comes
    /// from its label (integer values, bit flags) rather than from its value (`zh_cn` → `ZhCn`).
    EnumLabelChanged {
        value: String,
        old: Option<String>,
        new: Option<String>,
        names_variant: bool,
    },
    /// A plain field now lists its values.
    BecameEnum(Vec<EnumValue>),
    /// A field that listed its values no longer does.
    NoLongerEnum(Vec<EnumValue>),
    BecameBitflags,
    NoLongerBitflags,
    FlagsAdded(Vec<EnumValue>),
    FlagsRemoved(Vec<EnumValue>),
    /// A validation rule or the default: `minLength`, `maxItems`, `minimum`, `default`, …
    RuleChanged {
        rule: String,
        old: Option<Value>,
        new: Option<Value>,
    },
    /// The Unix-time unit of a field (`x-lark-format`).
    FormatChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// A description or title, compared without punctuation widths.
    TextChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// Entries added to a list: a field's permissions, the event's permissions, app types, push modes.
    EntriesAdded(Vec<String>),
    EntriesRemoved(Vec<String>),
    /// Entries of a list kept under the same scope with another label (`scope: old → new`).
    EntriesRelabelled(Vec<String>),
    /// The event type string.
    EventTypeChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// A field the table did not mark required (`必填`) now is.
    BecameRequired {
        body: Body,
    },
    /// A field the table marked required no longer is.
    NoLongerRequired {
        body: Body,
    },
    /// The HTTP method or path of an API page (`x-lark-api`).
    EndpointChanged {
        old: String,
        new: String,
    },
}

impl ChangeKind {
    /// The class of the change for users of `lark-events`, which decodes what the platform sends.
    pub fn compat(&self) -> Compat {
        use ChangeKind::*;
        match self {
            FieldAdded { .. }
            | DocTypeChanged { .. }
            | EnumValuesAdded(_)
            | EnumLabelChanged {
                names_variant: false,
                ..
            }
            | FlagsAdded(_)
            | RuleChanged { .. }
            | TextChanged { .. }
            | EntriesAdded(_)
            | EntriesRemoved(_)
            | EntriesRelabelled(_)
            | BecameRequired {
                body: Body::Received,
            }
            | NoLongerRequired { .. } => Compat::Compatible,
            FieldRemoved { .. }
            | TypeChanged { .. }
            | EnumValuesRemoved(_)
            | EnumLabelChanged {
                names_variant: true,
                ..
            }
            | BecameEnum(_)
            | NoLongerEnum(_)
            | BecameBitflags
            | NoLongerBitflags
            | FlagsRemoved(_)
            | FormatChanged { .. }
            | EventTypeChanged { .. }
            | RequiredFieldAdded { .. }
            | BecameRequired {
                body: Body::Request,
            }
            | EndpointChanged { .. } => Compat::Breaking,
        }
    }

    /// The kind of change in a few words, as the summary groups reasons by it.
    pub fn label(&self) -> &'static str {
        use ChangeKind::*;
        match self {
            FieldAdded { .. } => "field added",
            RequiredFieldAdded { .. } => "required field added to a request",
            FieldRemoved { .. } => "field removed",
            TypeChanged { .. } => "type changed",
            DocTypeChanged { .. } => "documented type changed, same Rust type",
            EnumValuesAdded(_) => "enum values added",
            EnumValuesRemoved(_) => "enum values removed",
            EnumLabelChanged {
                names_variant: true,
                ..
            } => "label changed where it names the variant",
            EnumLabelChanged { .. } => "label of an enum value changed",
            BecameEnum(_) => "became an enum",
            NoLongerEnum(_) => "no longer an enum",
            BecameBitflags => "became a bit set",
            NoLongerBitflags => "no longer a bit set",
            FlagsAdded(_) => "bit flags added",
            FlagsRemoved(_) => "bit flags removed",
            RuleChanged { .. } => "validation rule or default changed",
            FormatChanged { .. } => "time format changed",
            TextChanged { .. } => "text changed",
            EntriesAdded(_) => "permissions, app types or push modes added",
            EntriesRemoved(_) => "permissions, app types or push modes removed",
            EntriesRelabelled(_) => "permission labels changed",
            EventTypeChanged { .. } => "event type changed",
            BecameRequired {
                body: Body::Request,
            } => "request field became required",
            BecameRequired {
                body: Body::Received,
            } => "received field became required",
            NoLongerRequired {
                body: Body::Request,
            } => "request field no longer required",
            NoLongerRequired {
                body: Body::Received,
            } => "received field no longer required",
            EndpointChanged { .. } => "endpoint changed",
        }
    }

    /// One change of every kind (with placeholder contents), in the order `diff --help` lists them.
    pub fn every_kind() -> Vec<ChangeKind> {
        use ChangeKind::*;
        let ty = || String::new();
        vec![
            FieldAdded { ty: ty() },
            RequiredFieldAdded { ty: ty() },
            FieldRemoved { ty: ty() },
            TypeChanged {
                old: ty(),
                new: ty(),
            },
            DocTypeChanged {
                old: ty(),
                new: ty(),
            },
            EnumValuesAdded(Vec::new()),
            EnumValuesRemoved(Vec::new()),
            EnumLabelChanged {
                value: ty(),
                old: None,
                new: None,
                names_variant: false,
            },
            EnumLabelChanged {
                value: ty(),
                old: None,
                new: None,
                names_variant: true,
            },
            BecameEnum(Vec::new()),
            NoLongerEnum(Vec::new()),
            BecameBitflags,
            NoLongerBitflags,
            FlagsAdded(Vec::new()),
            FlagsRemoved(Vec::new()),
            RuleChanged {
                rule: ty(),
                old: None,
                new: None,
            },
            FormatChanged {
                old: None,
                new: None,
            },
            TextChanged {
                old: None,
                new: None,
            },
            EntriesAdded(Vec::new()),
            EntriesRemoved(Vec::new()),
            EntriesRelabelled(Vec::new()),
            EventTypeChanged {
                old: None,
                new: None,
            },
            BecameRequired {
                body: Body::Request,
            },
            BecameRequired {
                body: Body::Received,
            },
            NoLongerRequired {
                body: Body::Request,
            },
            NoLongerRequired {
                body: Body::Received,
            },
            EndpointChanged {
                old: ty(),
                new: ty(),
            },
        ]
    }

    /// Why the change has its class, when that is not plain from the change itself.
    pub fn reason(&self) -> Option<&'static str> {
        use ChangeKind::*;
        Some(match self {
            FieldAdded { .. } => "generated structs are `#[non_exhaustive]`: code outside the crate builds them from `Default` and assigns fields, and can write neither a struct literal nor an exhaustive pattern, so a new field breaks none of it; the field is an `Option`, and a value that landed in `extra` under its name now lands in the field",
            DocTypeChanged { .. } => "both map to the same Rust type",
            FieldRemoved { .. } => "the Rust field goes away; code that reads it stops building",
            TypeChanged { .. } => "the field's Rust type changes",
            EnumValuesAdded(_) => "generated enums are `#[non_exhaustive]`: every `match` outside the crate has a wildcard arm, so a new variant breaks none of it; these values already decoded, as `Unlisted`, and now get a variant of their own (`value()` / `as_str()` read them the same)",
            EnumValuesRemoved(_) => "the variant goes away from the generated enum; code that names it stops building",
            BecameEnum(_) | NoLongerEnum(_) => "the field's Rust type changes between a plain value and an enum",
            BecameBitflags | NoLongerBitflags => "the field's Rust type changes between a plain value or enum and a bit set",
            FlagsAdded(_) => "a new flag constant breaks no code, and bit sets already kept these bits (`from_bits_retain`)",
            FlagsRemoved(_) => "the flag constant goes away; code that names it stops building",
            RuleChanged { .. } => "`lark-events` decodes leniently and does not enforce validation rules",
            FormatChanged { .. } => "the field's Rust type changes (`String`/integer, `UnixMillis`, `UnixSeconds`)",
            EntriesAdded(_) | EntriesRemoved(_) | EntriesRelabelled(_) => "no change to the Rust API; check the app's permissions and subscriptions",
            EventTypeChanged { .. } => "the event is dispatched by its type: handlers for the old type no longer receive it",
            RequiredFieldAdded { .. } | BecameRequired { body: Body::Request } => "the platform rejects a request without it: a call that leaves it out (the field is an `Option`, `None` by default) now fails",
            BecameRequired { body: Body::Received } => "every generated field is an `Option`, whatever the page marks required, so the Rust type does not change; the platform now promises to send it",
            NoLongerRequired { body: Body::Request } => "requests that send it are still accepted, and the field is an `Option` already",
            NoLongerRequired { body: Body::Received } => "every generated field is an `Option` already, so the Rust type does not change and code already handles its absence (`None`); it may now be `None` more often",
            EndpointChanged { .. } => "a call made to the old method and path no longer reaches the endpoint",
            EnumLabelChanged {
                names_variant: true,
                ..
            } => "the Rust name of the variant comes from its label (through `schema/variant-names.json`): it may be renamed",
            EnumLabelChanged { .. } => "only the variant's doc comment changes; its name comes from the value",
            TextChanged { .. } => return None,
        })
    }
}

/// One change, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub location: Location,
    pub kind: ChangeKind,
}

impl Change {
    /// The class of the change.
    pub fn compat(&self) -> Compat {
        self.kind.compat()
    }
}
