# Source: docs/sources/unifyapps-roles.txt, "Create a New Role" (name and description),
# "Define Permissions for the Role" (Category 1: Platform) and "Best Practices".
Feature: The platform permissions of every role
  A role has a unique name, a description, and permissions on the Platform, API Manager and
  Platform Tools resources. "Principle of Least Privilege: Always grant users only the minimum
  permissions necessary to perform their assigned tasks."

  Background:
    Given the policy set "platform"

  Scenario: Every role has a name and a description
    Then every role has a name and a description

  Scenario: Role names are unique
    When a role "builder-2" titled "automation builder" is created with these permissions:
      | permission    |
      | View Agents   |
    Then the change is rejected because "looks the same"

  Scenario: The Platform Admin has every permission
    Then the role "Platform Admin" has every permission
    And "priya.sharma@acme.example" has every permission
    And the owner role is "Platform Admin"

  Scenario: Users without a role get the small Member role
    Given a user "guest" with no role
    Then the default role is "Member"
    And "guest" has the role "Member"
    And "noah.kim@acme.example" has the role "Member"
    And the role "Member" has exactly these permissions:
      | permission            |
      | View Copilot          |
      | View Data Catalog     |
      | View Projects         |
      | View Applications     |
      | View Template Library |
      | Use Agents            |
      | View Agents           |

  Scenario: The Auditor can view everything and change nothing
    Then the role "Auditor" has exactly these permissions:
      | permission                      |
      | View Agents                     |
      | View Projects                   |
      | View Runs Automations           |
      | View Automations                |
      | View Template Library           |
      | View Automation Interfaces      |
      | View Pipelines                  |
      | View Copilot                    |
      | View Object Manager             |
      | View Applications               |
      | View Data Catalog               |
      | View API Group                  |
      | View API Report                 |
      | View API Client                 |
      | View API Policy                 |
      | View Teams                      |
      | View Outbound Change Sets       |
      | View Linked Environment         |
      | View Template Manager           |
      | View Inbound Change Sets        |
      | View Unified Entity Model       |
      | View Decision Table             |
      | View Business Hours             |
      | View Segment Manager            |
      | View Connectors SDK             |
      | View User                       |
      | View Environment Variables      |
      | View Campaign Manager           |
      | View Roles                      |
      | View Report Connections Manager |
      | View Connections Manager        |
      | View Business Holidays          |
      | View Code Snippets              |
      | View Streams                    |

  Scenario: The Automation Builder builds, shares and tests, but does not deploy
    Then the role "Automation Builder" has exactly these permissions:
      | permission                     |
      | View Agents                    |
      | Create Agents                  |
      | Edit Agents                    |
      | Share Agents                   |
      | Use Agents                     |
      | View Projects                  |
      | View Runs Automations          |
      | Edit Automations               |
      | Export as Template Automations |
      | View Automations               |
      | Test Automations               |
      | Create Automations             |
      | Share Automations              |
      | View Template Library          |
      | View Automation Interfaces     |
      | Create Automation Interfaces   |
      | Edit Automation Interfaces     |
      | Share Automation Interfaces    |
      | View Pipelines                 |
      | Create Pipelines               |
      | View Copilot                   |
      | View Object Manager            |
      | View Applications              |
      | View Data Catalog              |
      | View Decision Table            |
      | Create Decision Table          |
      | Edit Decision Table            |
      | View Business Hours            |
      | View Connections Manager       |
      | View Business Holidays         |
      | View Code Snippets             |
      | Create Code Snippets           |
      | Edit Code Snippets             |
    And the role "Automation Builder" can do everything the role "Member" can

  Scenario: The Integration Engineer builds connectors and connections, never reading secrets
    Then the role "Integration Engineer" has exactly these permissions:
      | permission                      |
      | View Agents                     |
      | Use Agents                      |
      | View Projects                   |
      | View Runs Automations           |
      | View Automations                |
      | Test Automations                |
      | View Template Library           |
      | View Copilot                    |
      | View Object Manager             |
      | View Applications               |
      | View Data Catalog               |
      | View Unified Entity Model       |
      | View Connectors SDK             |
      | Create Connectors SDK           |
      | Edit Connectors SDK             |
      | Delete Connectors SDK           |
      | Share Connectors SDK            |
      | Deploy & Pause Connectors SDK   |
      | View Environment Variables      |
      | Create Environment Variables    |
      | Edit Environment Variables      |
      | Share Environment Variables     |
      | View Report Connections Manager |
      | View Connections Manager        |
      | Create Connections Manager      |
      | Edit Connections Manager        |
      | Delete Connections Manager      |
      | Share Connections Manager       |
      | View Code Snippets              |
      | Create Code Snippets            |
      | Edit Code Snippets              |
      | View Streams                    |
      | Create Streams                  |
      | Edit Streams                    |

  Scenario: The API Manager owns the API Manager
    Then the role "API Manager" has exactly these permissions:
      | permission                 |
      | View Runs Automations      |
      | View Automations           |
      | View Automation Interfaces |
      | View API Group             |
      | Create API Group           |
      | Edit API Group             |
      | Delete API Group           |
      | Share API Group            |
      | Export API Group           |
      | View API Report            |
      | View API Client            |
      | Create API Client          |
      | Edit API Client            |
      | Delete API Client          |
      | Share API Client           |
      | View API Policy            |
      | Delete API Policy          |
      | Share API Policy           |
      | Edit API Policy            |
      | View Environment Variables |

  Scenario: The Identity Admin manages who has access
    Then the role "Identity Admin" has exactly these permissions:
      | permission          |
      | View Teams          |
      | Create Teams        |
      | Edit Teams          |
      | Delete Teams        |
      | View User           |
      | Create User         |
      | Edit User           |
      | Delete User         |
      | Reset Password User |
      | View Roles          |
      | Create Roles        |
      | Edit Roles          |
      | Delete Roles        |

  Scenario: The Release Manager deploys what others build
    Then the role "Release Manager" has exactly these permissions:
      | permission                         |
      | Deploy & Pause Automations         |
      | View Runs Automations              |
      | View Automations                   |
      | View Pipelines                     |
      | Deploy & Pause Pipelines           |
      | View Outbound Change Sets          |
      | Create Outbound Change Sets        |
      | Edit Outbound Change Sets          |
      | Delete Outbound Change Sets        |
      | Publish Outbound Change Sets       |
      | View Linked Environment            |
      | View Inbound Change Sets           |
      | Create Inbound Change Sets         |
      | Edit Inbound Change Sets           |
      | Deploy & Pause Inbound Change Sets |
      | Rollback Inbound Change Sets       |
      | Delete Inbound Change Sets         |
      | View Connectors SDK                |
      | Deploy & Pause Connectors SDK      |
      | View Environment Variables         |

  Scenario: The Workspace Lead can do what the Builder, the Integration Engineer and the Release Manager can, and owns projects and applications
    Then the role "Workspace Lead" can do everything the role "Automation Builder" can
    And the role "Workspace Lead" can do everything the role "Integration Engineer" can
    And the role "Workspace Lead" can do everything the role "Release Manager" can
    And the access is:
      | role           | Create Projects | Edit Projects | Share Projects | Delete Projects | Create Applications | Edit Applications | Share Applications | Manage Localization Applications | Delete Applications |
      | Workspace Lead | yes             | yes           | yes            | no              | yes                 | yes               | yes                | yes                              | no                  |
    And the access is:
      | role           | View Teams | Edit Teams | View User | Create User | View Roles | Create Linked Environment | Read Environment Variables |
      | Workspace Lead | yes        | no         | yes       | no          | no         | no                        | no                         |
