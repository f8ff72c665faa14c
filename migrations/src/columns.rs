//! Column and index shorthands the migrations share.

use sea_orm_migration::prelude::*;

pub fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().auto_increment().primary_key().to_owned()
}
pub fn int<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().to_owned()
}
pub fn int_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).integer().null().to_owned()
}
pub fn text<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}
pub fn text_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}
pub fn string<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}
pub fn time<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().not_null().to_owned()
}
pub fn time_null<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().to_owned()
}
pub fn flag<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).boolean().not_null().default(false).to_owned()
}

pub fn index<T: IntoIden + Copy + 'static>(name: &str, table: T, cols: &[T], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(*col);
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}
