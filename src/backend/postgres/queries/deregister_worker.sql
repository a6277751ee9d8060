-- deregister_worker: removes a worker's registration. $1 id.
DELETE FROM {{schema}}.workers WHERE id = $1
