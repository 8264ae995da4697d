//! `words!`: one closed set of words, each variant with its one spelling,
//! used by serde, the stored columns (feature `db`) and the OpenAPI schema
//! (feature `schema`) alike, so the spellings cannot drift apart.

/// A word that is not in the set, with the words that are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    /// The set's name, e.g. `Status`.
    pub set: &'static str,
    /// The accepted words, for the error message.
    pub expected: &'static str,
    pub got: String,
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "must be {}", self.expected)
    }
}

impl std::error::Error for UnknownWord {}

macro_rules! words {
    (
        $(#[$meta:meta])*
        $name:ident, $expected:tt {
            $( $(#[$vmeta:meta])* $variant:ident = $value:tt ),+ $(,)?
        }
    ) => {
        // The derives come first: `$meta` may hold their helper attributes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
        #[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
        $(#[$meta])*
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $value)]
                #[cfg_attr(feature = "db", sea_orm(string_value = $value))]
                $variant,
            )+
        }

        impl $name {
            /// Every word of the set, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The accepted words, as an error message lists them.
            pub const EXPECTED: &'static str = $expected;

            /// The one spelling: stored, serialised and shown.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownWord;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                match raw {
                    $($value => Ok(Self::$variant),)+
                    _ => Err($crate::UnknownWord {
                        set: stringify!($name),
                        expected: $expected,
                        got: raw.to_owned(),
                    }),
                }
            }
        }
    };
}

pub(crate) use words;
