import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** A template's variants (see variants.ts); a template without rows sends as it always did. */
export interface TemplateVariantsTable {
  workspace_id: string;
  template_id: string;
  key: string;
  /** Order in the editor; the first is the control. */
  position: number;
  weight: number;
  /** Overrides; '' is the template's own. */
  subject: string;
  body: string;
  sender_name: string;
  send_offset_minutes: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TemplateTables {
  template_variants: TemplateVariantsTable;
}

// The store's Database type is the sum of every domain's tables: each domain adds its own here,
// so the store knows no domain.
declare module '../stores/postgres/types' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge, not a new type
  interface Database extends TemplateTables {}
}
