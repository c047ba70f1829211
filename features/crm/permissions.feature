# Source: docs/sources/uniconnect-role-management.txt, the Permissions table (Category /
# Permission / Purpose), one scenario per category. Rows are the roles of policies/crm; a cell
# is yes or no, or for permissions with access levels the widest level the role holds.
Feature: The permissions of every role, category by category
  "Uniconnect allows you to create and assign roles to users according to their job functions":
  what each role of the set may do, for every permission of the Role Management page.

  Background:
    Given the policy set "crm"

Scenario: AI Configuration
    Then the access is:
      | role              | Manage Conversations |
      | System Owner      | yes                  |
      | User              | no                   |
      | Sales Agent       | no                   |
      | Team Lead         | no                   |
      | Marketing Manager | no                   |
      | Support Agent     | yes                  |
      | Workflow Admin    | no                   |
      | CRM Admin         | no                   |
      | Auditor           | no                   |

  Scenario: Calls
    Then the access is:
      | role              | Make Outbound Calls | Access Call Logs | Listen Call Recordings | Download Call Recordings |
      | System Owner      | yes                 | yes              | yes                    | yes                      |
      | User              | no                  | no               | no                     | no                       |
      | Sales Agent       | yes                 | yes              | yes                    | no                       |
      | Team Lead         | yes                 | yes              | yes                    | yes                      |
      | Marketing Manager | no                  | no               | no                     | no                       |
      | Support Agent     | yes                 | yes              | yes                    | no                       |
      | Workflow Admin    | no                  | no               | no                     | no                       |
      | CRM Admin         | no                  | no               | no                     | no                       |
      | Auditor           | no                  | yes              | no                     | no                       |

  Scenario: Campaign
    Then the access is:
      | role              | View Campaigns | Manage Campaigns | Execute Campaigns | Manage Leads | View Leads | Manage DNC List |
      | System Owner      | yes            | yes              | yes               | yes          | yes        | yes             |
      | User              | no             | no               | no                | no           | no         | no              |
      | Sales Agent       | yes            | no               | no                | yes          | yes        | no              |
      | Team Lead         | yes            | no               | yes               | yes          | yes        | no              |
      | Marketing Manager | yes            | yes              | yes               | yes          | yes        | yes             |
      | Support Agent     | no             | no               | no                | no           | no         | no              |
      | Workflow Admin    | no             | no               | no                | no           | no         | no              |
      | CRM Admin         | no             | no               | no                | no           | no         | no              |
      | Auditor           | no             | no               | no                | no           | no         | no              |

  Scenario: CRM Configuration
    Then the access is:
      | role              | CRM Configuration | CRM Module Delete |
      | System Owner      | yes               | yes               |
      | User              | no                | no                |
      | Sales Agent       | no                | no                |
      | Team Lead         | no                | no                |
      | Marketing Manager | no                | no                |
      | Support Agent     | no                | no                |
      | Workflow Admin    | no                | no                |
      | CRM Admin         | yes               | yes               |
      | Auditor           | no                | no                |

  Scenario: Email
    Then the access is:
      | role              | Manage Email Templates | Send E-mail | View Sent Email |
      | System Owner      | yes                    | yes         | yes             |
      | User              | no                     | yes         | yes             |
      | Sales Agent       | no                     | yes         | yes             |
      | Team Lead         | no                     | yes         | yes             |
      | Marketing Manager | yes                    | yes         | yes             |
      | Support Agent     | no                     | yes         | yes             |
      | Workflow Admin    | no                     | yes         | yes             |
      | CRM Admin         | yes                    | yes         | yes             |
      | Auditor           | no                     | no          | yes             |

  Scenario: Groups
    Then the access is:
      | role              | View Group | Create Group | Update Group | Delete Group |
      | System Owner      | all        | yes          | all          | all          |
      | User              | own        | no           | no           | no           |
      | Sales Agent       | own        | no           | no           | no           |
      | Team Lead         | group      | yes          | group        | no           |
      | Marketing Manager | own        | no           | no           | no           |
      | Support Agent     | own        | no           | no           | no           |
      | Workflow Admin    | own        | no           | no           | no           |
      | CRM Admin         | all        | yes          | all          | all          |
      | Auditor           | all        | no           | no           | no           |

  Scenario: Messaging
    Then the access is:
      | role              | Send SMS | View Sent SMS | Manage SMS Templates |
      | System Owner      | yes      | yes           | yes                  |
      | User              | yes      | yes           | no                   |
      | Sales Agent       | yes      | yes           | no                   |
      | Team Lead         | yes      | yes           | no                   |
      | Marketing Manager | yes      | yes           | yes                  |
      | Support Agent     | yes      | yes           | no                   |
      | Workflow Admin    | yes      | yes           | no                   |
      | CRM Admin         | yes      | yes           | yes                  |
      | Auditor           | no       | yes           | no                   |

  Scenario: Status Management
    Then the access is:
      | role              | Manage Status |
      | System Owner      | yes           |
      | User              | no            |
      | Sales Agent       | no            |
      | Team Lead         | no            |
      | Marketing Manager | no            |
      | Support Agent     | no            |
      | Workflow Admin    | yes           |
      | CRM Admin         | yes           |
      | Auditor           | no            |

  Scenario: System Configuration
    Then the access is:
      | role              | Global Configuration | Module Configuration | Theme Configuration | Logs/Task Queues | Audit Logs | Active Session | System Update | API | Webhook | Log Purge |
      | System Owner      | yes                  | yes                  | yes                 | yes              | all        | all            | yes           | yes | yes     | yes       |
      | User              | no                   | no                   | no                  | no               | own        | own            | no            | no  | no      | no        |
      | Sales Agent       | no                   | no                   | no                  | no               | own        | own            | no            | no  | no      | no        |
      | Team Lead         | no                   | no                   | no                  | no               | group      | group          | no            | no  | no      | no        |
      | Marketing Manager | no                   | no                   | no                  | no               | own        | own            | no            | no  | no      | no        |
      | Support Agent     | no                   | no                   | no                  | no               | own        | own            | no            | no  | no      | no        |
      | Workflow Admin    | no                   | no                   | no                  | yes              | own        | own            | no            | no  | no      | no        |
      | CRM Admin         | no                   | yes                  | yes                 | yes              | all        | all            | yes           | no  | no      | no        |
      | Auditor           | no                   | no                   | no                  | yes              | all        | all            | yes           | no  | no      | no        |

  Scenario: Users
    Then the access is:
      | role              | View Users | Create User | Update User | Deactivate User | Enable Personal 2FA | Role Configuration | Auto Answer Mode | Auto Answer Delay | Change User Role |
      | System Owner      | all        | yes         | all         | all             | yes                 | yes                | yes              | yes               | all              |
      | User              | own        | no          | own         | no              | yes                 | no                 | no               | no                | own              |
      | Sales Agent       | own        | no          | own         | no              | yes                 | no                 | yes              | yes               | own              |
      | Team Lead         | group      | no          | own         | group           | yes                 | no                 | yes              | yes               | own              |
      | Marketing Manager | own        | no          | own         | no              | yes                 | no                 | no               | no                | own              |
      | Support Agent     | own        | no          | own         | no              | yes                 | no                 | yes              | yes               | own              |
      | Workflow Admin    | own        | no          | own         | no              | yes                 | no                 | no               | no                | own              |
      | CRM Admin         | all        | yes         | all         | all             | yes                 | yes                | no               | no                | all              |
      | Auditor           | all        | no          | no          | no              | no                  | no                 | no               | no                | no               |

  Scenario: Workflow Management
    Then the access is:
      | role              | Manage Workflow | Manage System Workflows |
      | System Owner      | yes             | yes                     |
      | User              | no              | no                      |
      | Sales Agent       | no              | no                      |
      | Team Lead         | no              | no                      |
      | Marketing Manager | no              | no                      |
      | Support Agent     | no              | no                      |
      | Workflow Admin    | yes             | yes                     |
      | CRM Admin         | yes             | yes                     |
      | Auditor           | no              | no                      |

  Scenario: CRM Modules
    Then the access is:
      | role              | View (CRM Modules) | Create (CRM Modules) | Update (CRM Modules) | Delete (CRM Modules) |
      | System Owner      | all                | yes                  | all                  | all                  |
      | User              | own                | no                   | own                  | no                   |
      | Sales Agent       | own                | yes                  | own                  | own                  |
      | Team Lead         | group              | yes                  | group                | own                  |
      | Marketing Manager | group              | no                   | own                  | no                   |
      | Support Agent     | group              | yes                  | group                | no                   |
      | Workflow Admin    | own                | no                   | own                  | no                   |
      | CRM Admin         | all                | no                   | own                  | no                   |
      | Auditor           | all                | no                   | no                   | no                   |
