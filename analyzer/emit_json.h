/* The JSON backend of the writer layer (emit_yaml_writer.h): builds each
 * document as a json-c tree from the same calls that drive libyaml, and
 * prints it as one line when the document ends. Used only by the writer. */
#ifndef OPTROM_EMIT_JSON_H
#define OPTROM_EMIT_JSON_H

#include "analyzer/emit_yaml_writer.h"

void yw_json_open(struct yw *w, FILE *out);
void yw_json_close(struct yw *w);
void yw_json_doc_start(struct yw *w);
void yw_json_doc_end(struct yw *w);
void yw_json_container_start(struct yw *w, bool map);
void yw_json_container_end(struct yw *w);
/* quoted: a YAML quoted scalar (always a string); else resolved as plain. */
void yw_json_scalar(struct yw *w, const char *v, bool quoted);

#endif
