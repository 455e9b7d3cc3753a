/** The JSON API, described for clients (OpenAPI 3.1). Kept beside the routes it describes. */
export function openApiDocument() {
  const error = { $ref: '#/components/responses/Error' };
  const record = { $ref: '#/components/schemas/Record' };
  const csrf = { name: 'x-csrf-token', in: 'header', required: true, schema: { type: 'string' } };
  const path = (name: string, description: string) => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: { type: 'string' },
  });
  const tw = [path('township', 'township id'), path('year', 'accounting year')];
  return {
    openapi: '3.1.0',
    info: {
      title: 'GEP Ledger API',
      version: '1',
      description:
        'Survey data, workflow, coefficient sets and audit trail. Log in with POST /login (form or JSON: username, password) and keep the session cookie; GET /api/v1/session returns the CSRF token to send as x-csrf-token on every PUT or POST. The same validation and roles apply as in the web forms. Errors: {error, issues: [{township, year, field, message: {zh, en}}]}.',
    },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'gep.sid' } },
      responses: {
        Error: {
          description:
            '401 no session, 403 role or CSRF, 404 not found, 409 conflict (stale version, locked record), 422 invalid input',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { error: { type: 'string' }, issues: { type: 'array' } },
              },
            },
          },
        },
      },
      schemas: {
        Record: {
          type: 'object',
          properties: {
            township: { type: 'string' },
            year: { type: 'integer' },
            set: { type: 'string', description: 'coefficient set id@version' },
            status: { enum: ['draft', 'submitted', 'approved'] },
            version: {
              type: 'integer',
              description: 'send it back when saving: a stale version is refused (409)',
            },
            values: {
              type: 'object',
              description: 'input id → decimal text in the set unit, or land class → decimal text',
            },
            overrides: {
              type: 'object',
              description: 'component id → {quantity, unit, source}: externally modelled quantities',
            },
            updatedAt: { type: 'string', format: 'date-time' },
            updatedBy: { type: ['string', 'null'], description: 'username of the last change' },
            submittedBy: { type: ['string', 'null'], description: 'username of the submitter' },
            approvedBy: {
              type: ['string', 'null'],
              description: 'username of the approver while the record is approved',
            },
            approvedValues: {
              type: ['object', 'null'],
              description:
                'the values (as in values) when the record was last approved, kept through a return or a reopening; null if it never was',
            },
            approvedAt: {
              type: ['string', 'null'],
              format: 'date-time',
              description: 'when approvedValues were approved',
            },
            approvedSnapshotBy: {
              type: ['string', 'null'],
              description: 'username of the reviewer who approved approvedValues',
            },
            returnedReason: {
              type: ['string', 'null'],
              description:
                'why a reviewer returned or reopened the record; cleared when it is submitted again',
            },
            returnedAction: { enum: ['return', 'reopen', null] },
          },
          required: [
            'township',
            'year',
            'set',
            'status',
            'version',
            'values',
            'overrides',
            'updatedAt',
            'updatedBy',
            'submittedBy',
            'approvedBy',
            'approvedValues',
            'approvedAt',
            'approvedSnapshotBy',
            'returnedReason',
            'returnedAction',
          ],
          additionalProperties: false,
        },
      },
    },
    security: [{ session: [] }],
    paths: {
      '/api/v1/session': {
        get: {
          summary: 'The logged-in user and a CSRF token',
          responses: { 200: { description: 'ok' }, 401: error },
        },
      },
      '/api/v1/townships': {
        get: { summary: 'Townships with area (km²)', responses: { 200: { description: 'ok' }, 401: error } },
      },
      '/api/v1/records': {
        get: {
          summary: 'Survey records',
          parameters: [
            { name: 'year', in: 'query', schema: { type: 'integer' } },
            { name: 'status', in: 'query', schema: { enum: ['draft', 'submitted', 'approved'] } },
          ],
          responses: {
            200: {
              description: 'ok',
              content: { 'application/json': { schema: { type: 'array', items: record } } },
            },
            401: error,
          },
        },
      },
      '/api/v1/records/{township}/{year}': {
        get: {
          summary: 'One survey record',
          parameters: tw,
          responses: {
            200: { description: 'ok', content: { 'application/json': { schema: record } } },
            401: error,
            404: error,
          },
        },
        put: {
          summary: 'Save a draft record (editor, admin)',
          parameters: [...tw, csrf],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['values', 'version'],
                  properties: {
                    values: { type: 'object' },
                    units: {
                      type: 'object',
                      description: 'input id → accepted unit the value is given in (e.g. 亩, 万t)',
                    },
                    overrides: {
                      type: 'object',
                      description: 'component id → {quantity, unit, source}: externally modelled quantities',
                    },
                    version: { type: ['integer', 'null'] },
                    mode: { enum: ['replace', 'merge'], default: 'replace' },
                  },
                },
              },
            },
          },
          responses: {
            200: {
              description: 'saved, with the field changes',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { record, changes: { type: 'array' } },
                    required: ['record', 'changes'],
                  },
                },
              },
            },
            401: error,
            403: error,
            404: error,
            409: error,
            422: error,
          },
        },
      },
      '/api/v1/records/{township}/{year}/{action}': {
        post: {
          summary:
            'Workflow: submit (editor), approve / return / reopen (reviewer; never the submitter); return and reopen need a reason',
          parameters: [
            ...tw,
            {
              name: 'action',
              in: 'path',
              required: true,
              schema: { enum: ['submit', 'approve', 'return', 'reopen'] },
            },
            csrf,
          ],
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { version: { type: 'integer' }, reason: { type: 'string' } },
                },
              },
            },
          },
          responses: {
            200: { description: 'new status and version' },
            401: error,
            403: error,
            404: error,
            409: error,
            422: error,
          },
        },
      },
      '/api/v1/accounts/{year}': {
        get: {
          summary:
            'Every figure of a year from approved data, per township and county, as exact decimal strings (元): GEP gross and net by category, product, component, land class and ecosystem; GEEP, green GDP, indicators; ESV by service, group and ecosystem type when the set has an equivalent-factor table',
          parameters: [path('year', 'year')],
          responses: { 200: { description: 'ok' }, 401: error, 404: error, 409: error, 422: error },
        },
      },
      '/api/v1/sets': {
        get: { summary: 'Coefficient sets', responses: { 200: { description: 'ok' }, 401: error } },
      },
      '/api/v1/sets/{id}/{version}': {
        get: {
          summary: 'A set: price list, formulas and stored content',
          parameters: [path('id', 'set id'), path('version', 'version')],
          responses: { 200: { description: 'ok' }, 401: error, 404: error },
        },
      },
      '/api/v1/audit': {
        get: {
          summary: 'Audit trail, newest first (admin, editor, reviewer)',
          parameters: ['township', 'year', 'user', 'before', 'limit'].map((name) => ({
            name,
            in: 'query',
            schema: { type: 'string' },
          })),
          responses: { 200: { description: 'ok' }, 401: error, 403: error },
        },
      },
    },
  };
}
